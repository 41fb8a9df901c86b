import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** Writes pre-serialised JSONL text with back-pressure, in large chunks. */
export class TextSink {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  /** Adds `lines` records whose text (each ending in a newline) is `text`. */
  async write(text: string, lines: number): Promise<void> {
    if (!text) return;
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
