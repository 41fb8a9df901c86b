import { FileSink, type SinkFs } from '../../../core/artifacts/file-sink.js';

/**
 * Writes pre-serialised JSONL (text, or bytes from a worker thread) with back-pressure, in large
 * chunks; a write error (a full disk) rejects the next write or the close (core/artifacts/file-sink.ts).
 */
export class TextSink {
  private readonly out: FileSink;
  private pending: string[] = [];
  private pendingChars = 0;
  count = 0;

  constructor(
    readonly path: string,
    fs?: SinkFs,
  ) {
    this.out = new FileSink(path, fs);
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
      await this.out.write(text, written);
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
    await this.out.write(chunk);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.out.close();
  }

  /** Stops without flushing (the file is about to be removed). */
  async destroy(): Promise<void> {
    this.pending = [];
    this.pendingChars = 0;
    await this.out.destroy();
  }
}
