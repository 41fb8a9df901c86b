/**
 * ArrayBuffers of one size, handed out and taken back. Batches cross between threads as
 * transferred buffers; allocated afresh, a 1,000,000-record run makes thousands of them, and each
 * counts as external memory that sets off a full GC of the allocating thread's heap (measured:
 * about 2 s of the parent's time per 600 MB when the heap holds the step registry). Recycled,
 * a run allocates a few dozen.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    readonly size: number,
    private readonly max = 16,
  ) {}

  /** A buffer of at least `min` bytes (the pool's size unless more is asked for). */
  take(min = this.size): ArrayBuffer {
    if (min <= this.size) {
      const b = this.free.pop();
      if (b) return b;
    }
    return new ArrayBuffer(Math.max(min, this.size));
  }

  /** A free buffer, or undefined: for handing spares on without making new ones. */
  takeFree(): ArrayBuffer | undefined {
    return this.free.pop();
  }

  /** Takes a buffer back; one of another size, or one too many, is left to the GC. */
  give(b: ArrayBuffer): void {
    if (b.byteLength === this.size && this.free.length < this.max) this.free.push(b);
  }
}
