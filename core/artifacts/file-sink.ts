import { createWriteStream, type WriteStream } from 'node:fs';
import { asDiskFull, isPipelineError } from '../errors.js';

/** The file calls a sink makes (open, write, writev, close): Node's by default, as createWriteStream's `fs` option takes them. */
export type SinkFs = NonNullable<Exclude<Parameters<typeof createWriteStream>[1], string | undefined>['fs']>;

/**
 * A file write stream whose every wait (for `drain`, for `close`) rejects as soon as the stream
 * errors. A bare `once(stream, 'drain')` or `once(stream, 'close')` started after the error never
 * settles: a full disk then hung a step forever, or left `forgeline stage` to exit 13 with nothing
 * said. The first error is kept and every later call throws it; ENOSPC and EDQUOT become DISK_FULL
 * naming the file and the bytes not yet written.
 */
export class FileSink {
  private readonly out: WriteStream;
  private failure: unknown;
  /** Bytes handed to the stream; `out.bytesWritten` is the part already on disk. */
  private accepted = 0;

  constructor(
    readonly path: string,
    fs?: SinkFs,
  ) {
    this.out = createWriteStream(path, fs ? { fs } : undefined);
    // Always listened to: an error while no one waits must not be an uncaught 'error' event.
    this.out.on('error', (err) => {
      this.failure ??= named(asDiskFull(err, { path, needed: this.accepted - this.out.bytesWritten }), path);
    });
  }

  /** Bytes handed to the sink so far. */
  get bytes(): number {
    return this.accepted;
  }

  /** Writes `chunk`, waiting for `drain` when the stream asks to; `done` is called once the stream is done with it. */
  async write(chunk: string | Uint8Array, done?: () => void): Promise<void> {
    this.check();
    this.accepted += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!this.out.write(chunk, () => done?.())) await this.until('drain');
  }

  /** Ends the file and waits until it is closed; rejects with the stream's error, if any. */
  async close(): Promise<void> {
    this.check();
    if (!this.out.writableEnded) this.out.end();
    await this.until('close');
    this.check();
  }

  /** Stops writing and releases the file, without waiting for pending data. */
  async destroy(): Promise<void> {
    if (this.out.closed) return;
    const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
    this.out.destroy();
    await closed;
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.out.destroyed && !this.out.closed) throw new Error(`${this.path}: the stream was destroyed`);
  }

  /** Waits for `event`, or rejects on the stream's error; a stream already closed settles at once. */
  private until(event: 'drain' | 'close'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        this.out.off(event, settle);
        this.out.off('error', settle);
        this.out.off('close', settle);
        if (this.failure !== undefined) reject(this.failure);
        else if (event === 'drain' && this.out.destroyed) reject(new Error(`${this.path}: the stream closed before it drained`));
        else resolve();
      };
      if (this.failure !== undefined || this.out.closed) return settle();
      this.out.once(event, settle);
      // Our own listener set `failure` first: it was registered in the constructor.
      this.out.once('error', settle);
      if (event === 'drain') this.out.once('close', settle);
    });
  }
}

/** A stream's own error says only "EFBIG: file too large, write": the file is added, the code kept. */
function named(err: unknown, path: string): unknown {
  if (!(err instanceof Error) || isPipelineError(err) || err.message.includes(path)) return err;
  return Object.assign(new Error(`cannot write ${path}: ${err.message}`, { cause: err }), { code: (err as NodeJS.ErrnoException).code });
}
