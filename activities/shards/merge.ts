import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { FileSink } from '../../core/artifacts/file-sink.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { PipelineError } from '../../core/errors.js';

/** What one shard's activity made: its outputs and metadata. Stored as an artifact; only its ref crosses Temporal. */
export interface ShardPart {
  shard: number;
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
}

/** The `schema` of a parts document (one shard's result, or a merge of several). */
export const SHARD_PARTS_SCHEMA = 'shard-parts';

export async function writeParts(store: ArtifactStore, parts: ShardPart[]): Promise<ArtifactRef> {
  return store.putBytes(JSON.stringify({ parts }), '.json', { kind: 'manifest', schema: SHARD_PARTS_SCHEMA });
}

export async function readParts(store: ArtifactStore, refs: ArtifactRef[]): Promise<ShardPart[]> {
  const all: ShardPart[] = [];
  for (const ref of refs) {
    const doc = JSON.parse(await fs.readFile(await store.localPath(ref), 'utf8')) as { parts?: ShardPart[] };
    if (!Array.isArray(doc.parts)) throw new PipelineError('ARTIFACT_CORRUPT', `artifact ${ref.uri} is not a ${SHARD_PARTS_SCHEMA} document`);
    all.push(...doc.parts);
  }
  return all;
}

/** Every shard exactly once, in shard order: a part twice (a retried merge) or missing is a bug, said loudly. */
export function inShardOrder(parts: ShardPart[], shards: number): ShardPart[] {
  const sorted = [...parts].sort((a, b) => a.shard - b.shard);
  const ok = sorted.length === shards && sorted.every((p, i) => p.shard === i);
  if (!ok) throw new PipelineError('STEP_FAILED', `sharded step: expected one result for each of ${shards} shards, got shards [${sorted.map((p) => p.shard).join(', ')}]`);
  return sorted;
}

/**
 * The step's metadata from its shards': counts (numbers, at any depth) add up; other values (an
 * operator name, a format) and the keys in `same` (a threshold) are taken from shard 0.
 */
export function mergeMetadata(all: Record<string, unknown>[], same: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of all) {
    for (const [k, v] of Object.entries(m)) {
      if (same.includes(k)) {
        if (!(k in out)) out[k] = structuredClone(v);
      } else out[k] = add(out[k], v);
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function add(into: unknown, v: unknown): unknown {
  if (into === undefined) return structuredClone(v);
  if (typeof into === 'number' && typeof v === 'number') return into + v;
  if (isObject(into) && isObject(v)) {
    for (const [k, x] of Object.entries(v)) into[k] = add(into[k], x);
  }
  return into;
}

/** The shards' `records` outputs, one after another in shard order, as one artifact (merged rejects). */
export async function concatRecords(store: ArtifactStore, refs: ArtifactRef[]): Promise<ArtifactRef> {
  const writer = await store.writer('.jsonl');
  const sink = new FileSink(writer.path, writer.fs);
  try {
    for (const ref of refs) {
      for await (const chunk of createReadStream(await store.localPath(ref)) as AsyncIterable<Buffer>) await sink.write(chunk);
    }
    await sink.close();
    const records = refs.reduce((n, r) => n + (r.records ?? 0), 0);
    return await writer.commit({ kind: 'records', schema: refs[0]?.schema ?? 'reject', records });
  } catch (err) {
    await sink.destroy();
    await writer.abort();
    throw err;
  }
}
