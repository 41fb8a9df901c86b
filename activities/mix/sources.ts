import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_LINE_BYTES, readRawLines } from '../../core/artifacts/lines.js';
import { decodeLine } from '../../core/artifacts/text-line.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { readShardManifest } from '../../core/shards/manifest.js';
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

/** A source line, and where it is for messages (the source, and the shard when it has shards). */
export interface SourceLine {
  line: number;
  text: string;
  where: string;
}

/**
 * The records artifacts a bucket's artifact source stands for: a shard manifest's shards in order
 * (`analyze` on a sharded dataset names the manifest), or the artifact itself.
 */
export async function sourceShards(store: ArtifactStore, b: Bucket): Promise<ArtifactRef[]> {
  if ('file' in b.source) throw new PipelineError('STEP_FAILED', `bucket "${b.name}": a file source has no shards`);
  return b.source.artifact.kind === 'shards' ? (await readShardManifest(store, b.source.artifact)).shards : [b.source.artifact];
}

/** The raw JSON lines of a bucket's source (blank lines skipped), or of its shard `shard`. */
export async function* sourceLines(store: ArtifactStore, b: Bucket, baseDir: string, shard?: { ref: ArtifactRef; index: number }): AsyncGenerator<SourceLine> {
  if (shard) return yield* lines(b, await store.read(shard.ref), `${describeSource(b)} shard ${shard.index}`);
  if ('file' in b.source) {
    const file = path.resolve(baseDir, b.source.file);
    await fs.access(file).catch(() => {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": source file not found: ${file}`, [{ path: `buckets.${b.name}.source.file`, message: 'file not found' }]);
    });
    return yield* lines(b, file, describeSource(b));
  }
  const shards = await sourceShards(store, b);
  const sharded = b.source.artifact.kind === 'shards';
  for (const [i, ref] of shards.entries()) yield* lines(b, await store.read(ref), sharded ? `${describeSource(b)} shard ${i}` : describeSource(b));
}

async function* lines(b: Bucket, stream: Parameters<typeof readRawLines>[0], where: string): AsyncGenerator<SourceLine> {
  for await (const raw of readRawLines(stream, MAX_LINE_BYTES)) {
    if (raw.fullLength !== undefined) {
      // Held whole, a line of gigabytes (a file without newlines) would exhaust memory.
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${where}:${raw.line}: a line of ${raw.fullLength} bytes, over the ${MAX_LINE_BYTES}-byte limit for one record`, [
        { path: `${where}:${raw.line}`, message: 'line too long' },
      ]);
    }
    const decoded = decodeLine(raw.bytes, raw.line);
    if ('problem' in decoded) {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${where}:${raw.line}: ${decoded.problem}`, [{ path: `${where}:${raw.line}`, message: decoded.problem }]);
    }
    if (decoded.bytes.length > 0) yield { line: raw.line, text: decoded.text, where };
  }
}

/** Parses one source line, naming the bucket, the source and the line when it is not a JSON object. */
export function parseLine(b: Bucket, { line, text, where }: SourceLine): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${where}:${line}: malformed JSON (${(err as Error).message})`, [{ path: `${where}:${line}`, message: 'malformed JSON' }]);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": ${where}:${line}: not a JSON object`, [{ path: `${where}:${line}`, message: 'not a JSON object' }]);
  }
  return value as Record<string, unknown>;
}
