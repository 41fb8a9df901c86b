import path from 'node:path';
import fs from 'node:fs/promises';
import { readJsonl } from '../../core/artifacts/jsonl.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords } from '../../core/stage/records-io.js';
import type { Bucket } from '../../schemas/manifest.js';
import { getPath } from '../dedup/text.js';

/** Where a bucket's source is, for messages (never record text). */
export function describeSource(b: Bucket): string {
  return 'file' in b.source ? b.source.file : `artifact ${b.source.artifact.sha256.slice(0, 12)}`;
}

function matches(value: Record<string, unknown>, where: Bucket['where']): boolean {
  if (!where) return true;
  const v = getPath(value, where.field);
  return v === where.equals || (typeof v !== 'object' && v !== undefined && String(v) === String(where.equals));
}

/** Streams a bucket's records: its source, filtered by its `where`. */
export async function* bucketRecords(store: ArtifactStore, b: Bucket, baseDir: string): AsyncGenerator<Record<string, unknown>> {
  let source: AsyncIterable<{ value: Record<string, unknown>; line: number }>;
  if ('file' in b.source) {
    const file = path.resolve(baseDir, b.source.file);
    await fs.access(file).catch(() => {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": source file not found: ${file}`, [{ path: `buckets.${b.name}.source.file`, message: 'file not found' }]);
    });
    source = readJsonl<Record<string, unknown>>(file);
  } else source = readRecords<Record<string, unknown>>(store, b.source.artifact);
  try {
    for await (const { value, line } of source) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}:${line}: not a JSON object`, [
          { path: `${describeSource(b)}:${line}`, message: 'not a JSON object' },
        ]);
      }
      if (matches(value, b.where)) yield value;
    }
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}: malformed JSON (${err.message})`);
    }
    throw err;
  }
}
