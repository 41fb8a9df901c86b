import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_LINE_BYTES, readRawLines } from '../../core/artifacts/lines.js';
import { decodeLine } from '../../core/artifacts/text-line.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { PipelineError } from '../../core/errors.js';
import type { Bucket } from '../../schemas/manifest.js';
import { getPath } from '../../core/json/get-path.js';

/** Where a bucket's source is, for messages (never record text). */
export function describeSource(b: Bucket): string {
  return 'file' in b.source ? b.source.file : `artifact ${b.source.artifact.sha256.slice(0, 12)}`;
}

/** Buckets that read the same source share one pass over it. */
export function sourceKey(b: Bucket, baseDir: string): string {
  return 'file' in b.source ? `file:${path.resolve(baseDir, b.source.file)}` : `artifact:${b.source.artifact.sha256}`;
}

export function matches(value: Record<string, unknown>, where: Bucket['where']): boolean {
  if (!where) return true;
  const v = getPath(value, where.field);
  return v === where.equals || (v !== null && typeof v !== 'object' && v !== undefined && String(v) === String(where.equals));
}

/** The raw JSON lines of a bucket's source (blank lines skipped). */
export async function* sourceLines(store: ArtifactStore, b: Bucket, baseDir: string): AsyncGenerator<{ line: number; text: string }> {
  let stream;
  if ('file' in b.source) {
    const file = path.resolve(baseDir, b.source.file);
    await fs.access(file).catch(() => {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": source file not found: ${file}`, [{ path: `buckets.${b.name}.source.file`, message: 'file not found' }]);
    });
    stream = file;
  } else stream = await store.read(b.source.artifact);
  for await (const raw of readRawLines(stream, MAX_LINE_BYTES)) {
    if (raw.fullLength !== undefined) {
      // Held whole, a line of gigabytes (a file without newlines) would exhaust memory.
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}:${raw.line}: a line of ${raw.fullLength} bytes, over the ${MAX_LINE_BYTES}-byte limit for one record`, [
        { path: `${describeSource(b)}:${raw.line}`, message: 'line too long' },
      ]);
    }
    const decoded = decodeLine(raw.bytes, raw.line);
    if ('problem' in decoded) {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}:${raw.line}: ${decoded.problem}`, [{ path: `${describeSource(b)}:${raw.line}`, message: decoded.problem }]);
    }
    if (decoded.bytes.length > 0) yield { line: raw.line, text: decoded.text };
  }
}

/** Parses one source line, naming the bucket, the source and the line when it is not a JSON object. */
export function parseLine(b: Bucket, line: number, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}:${line}: malformed JSON (${(err as Error).message})`, [
      { path: `${describeSource(b)}:${line}`, message: 'malformed JSON' },
    ]);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${describeSource(b)}:${line}: not a JSON object`, [{ path: `${describeSource(b)}:${line}`, message: 'not a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
