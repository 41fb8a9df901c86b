import fs from 'node:fs/promises';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { JsonlWriter, readJsonl, type JsonlRecord } from '../artifacts/jsonl.js';

/**
 * Streams the records of an artifact, verifying its digest as it reads. A bad line is reported
 * under `name` (the user's file an artifact was imported from), else under the artifact's URI.
 */
export async function* readRecords<T = Record<string, unknown>>(store: ArtifactStore, ref: ArtifactRef, name = ref.uri): AsyncGenerator<JsonlRecord<T>> {
  yield* readJsonl<T>(await store.read(ref), name);
}

/** A JSONL artifact being written; `commit` makes it visible and returns its reference. */
export class RecordsWriter {
  private constructor(
    private readonly writer: Awaited<ReturnType<ArtifactStore['writer']>>,
    private readonly jsonl: JsonlWriter,
  ) {}

  static async open(store: ArtifactStore): Promise<RecordsWriter> {
    const w = await store.writer('.jsonl');
    return new RecordsWriter(w, new JsonlWriter(w.path, w.fs));
  }

  get count(): number {
    return this.jsonl.count;
  }

  write(record: unknown): Promise<void> {
    return this.jsonl.write(record);
  }

  /** Makes the artifact visible; on any failure (a full disk) the temp file is removed and the error thrown. */
  async commit(schema: string): Promise<ArtifactRef> {
    try {
      await this.jsonl.close();
    } catch (err) {
      await this.abort();
      throw err;
    }
    return this.writer.commit({ kind: 'records', schema, records: this.jsonl.count });
  }

  async abort(): Promise<void> {
    await this.jsonl.destroy();
    await this.writer.abort();
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
