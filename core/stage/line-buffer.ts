/**
 * JSONL text encoded straight into a growing byte buffer, one line at a time. A worker thread hands
 * the bytes to the parent by transfer: no joined string, no structured-clone copy, and no UTF-8
 * encoding on the parent thread, which also reads the input for every worker.
 */
export class LineBuffer {
  private buf: Buffer;
  private used = 0;
  count = 0;

  /** Starts in `initial` (a recycled buffer, or a new one), which this buffer then owns. */
  constructor(initial: ArrayBuffer) {
    this.buf = Buffer.from(initial);
  }

  /** Appends `line` and a newline. */
  push(line: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const worst = line.length * 3 + 1;
    if (this.used + worst > this.buf.length) this.grow(this.used + worst);
    this.used += this.buf.write(line, this.used, 'utf8');
    this.buf[this.used++] = 0x0a;
    this.count++;
  }

  /** The bytes written so far; the buffer is not to be used after this. */
  take(): Uint8Array<ArrayBuffer> {
    // The buffer always has an ArrayBuffer of its own (never Node's shared slab), so it can be transferred.
    return new Uint8Array(this.buf.buffer as ArrayBuffer, this.buf.byteOffset, this.used);
  }

  private grow(needed: number): void {
    const next = Buffer.from(new ArrayBuffer(Math.max(needed, this.buf.length * 2)));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}
