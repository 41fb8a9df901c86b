import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** Writes pre-serialised JSONL (text, or bytes from a worker thread) with back-pressure, in large chunks. */
export class TextSink {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  /**
   * Adds `lines` records whose text (each ending in a newline) is `text`. Bytes come in batches of a
   * few hundred KB and are written as they are, after any text before them; `written` is called
   * once the stream is done with them (their buffer may then be used again).
   */
  async write(text: string | Uint8Array, lines: number, written?: () => void): Promise<void> {
    if (text.length === 0) {
      written?.();
      return;
    }
    if (typeof text !== 'string') {
      await this.flush();
      this.count += lines;
      if (!this.out.write(text, () => written?.())) await once(this.out, 'drain');
      return;
    }
    this.pending.push(text);
    this.pendingChars += text.length;
    this.count += lines;
    if (this.pendingChars >= 1 << 18) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
  }
}
