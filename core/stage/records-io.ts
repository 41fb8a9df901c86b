import fs from 'node:fs/promises';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore, ArtifactWriter } from '../artifacts/store.js';
import { FileSink, type SinkFs } from '../artifacts/file-sink.js';
import { readJsonl, type JsonlRecord } from '../artifacts/jsonl.js';

/**
 * Streams the records of an artifact, verifying its digest as it reads. A bad line is reported
 * under `name` (the user's file an artifact was imported from), else under the artifact's URI.
 */
export async function* readRecords<T = Record<string, unknown>>(store: ArtifactStore, ref: ArtifactRef, name = ref.uri): AsyncGenerator<JsonlRecord<T>> {
  yield* readJsonl<T>(await store.read(ref), name);
}

/** Text is gathered up to this many characters before it goes to the file: one write call per few thousand records. */
const FLUSH_CHARS = 1 << 18;

/**
 * The one JSONL writer: values, JSON text already made (a record passed through as it was read),
 * or whole JSONL batches of bytes from a worker thread, all with back-pressure and counted. It
 * writes an artifact (`open`, then `commit`) or a plain file (`toFile`, then `close`: the stage
 * runner's entry point for one input file). A write error (a full disk) rejects the next write or
 * the close (core/artifacts/file-sink.ts).
 */
export class RecordsWriter {
  private pending: string[] = [];
  private pendingChars = 0;
  count = 0;

  private constructor(
    private readonly out: FileSink,
    private readonly artifact?: ArtifactWriter,
  ) {}

  static async open(store: ArtifactStore): Promise<RecordsWriter> {
    const w = await store.writer('.jsonl');
    return new RecordsWriter(new FileSink(w.path, w.fs), w);
  }

  static toFile(path: string, fs?: SinkFs): RecordsWriter {
    return new RecordsWriter(new FileSink(path, fs));
  }

  get path(): string {
    return this.out.path;
  }

  write(record: unknown): Promise<void> {
    return this.writeLine(JSON.stringify(record));
  }

  /** One JSON document, as text without its newline. */
  async writeLine(json: string): Promise<void> {
    this.pending.push(json, '\n');
    this.pendingChars += json.length + 1;
    this.count++;
    if (this.pendingChars >= FLUSH_CHARS) await this.flush();
  }

  /**
   * `lines` records as JSONL bytes (each line ending in a newline), written after any text before
   * them; `written` is called once the stream is done with them (their buffer may then be reused).
   */
  async writeBytes(bytes: Uint8Array, lines: number, written?: () => void): Promise<void> {
    if (bytes.length === 0) return written?.();
    await this.flush();
    this.count += lines;
    await this.out.write(bytes, written);
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    await this.out.write(chunk);
  }

  /** Ends the file; rejects with the first write error. */
  async close(): Promise<void> {
    await this.flush();
    await this.out.close();
  }

  /** Makes the artifact visible; on any failure (a full disk) the temp file is removed and the error thrown. */
  async commit(schema: string): Promise<ArtifactRef> {
    if (!this.artifact) throw new Error(`${this.path}: a plain file has no commit; close it`);
    try {
      await this.close();
    } catch (err) {
      await this.abort();
      throw err;
    }
    return this.artifact.commit({ kind: 'records', schema, records: this.count });
  }

  /** Stops without flushing and removes the temp file (aborting a committed writer removes nothing). */
  async abort(): Promise<void> {
    this.pending = [];
    this.pendingChars = 0;
    await this.out.destroy();
    await this.artifact?.abort();
  }
}

/** Stores a small JSON document (a report, a manifest) as an artifact. */
export async function writeJsonArtifact(
  store: ArtifactStore,
  value: unknown,
  kind: 'report' | 'manifest' | 'index' | 'file',
  schema: string,
): Promise<ArtifactRef> {
  return store.putBytes(JSON.stringify(value, null, 2), '.json', { kind, schema });
}

export async function readJsonArtifact<T>(store: ArtifactStore, ref: ArtifactRef): Promise<T> {
  return JSON.parse(await fs.readFile(await store.localPath(ref), 'utf8')) as T;
}
