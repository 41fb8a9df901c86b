import { hashString, prng } from '../../core/hash32.js';
import type { Bucket } from '../../schemas/manifest.js';
import type { MixOptions } from './plan.js';
import { matches, parseLine, type SourceLine } from './sources.js';

/*
 * The two passes of a mix over a source's lines, shared by the one-host step (mix-step.ts) and the
 * fan-out over shards (sharded/): count what each bucket holds, then draw each record its
 * multiplicity of times into seeded chunks that are shuffled one at a time.
 */

/** Seeds of the mix's random streams, kept from the first version so that a mix's output does not move. */
const ROUTE_SEED = 0x2f6b3c1d;
const SHUFFLE_SEED = 0x51ed270b;
const BUCKET_SEED = 0x1234567;

/** How many records of each of `members` (buckets reading one source) the lines hold; a line that is not a JSON object is an error here, before anything is drawn. */
export async function countSource(rows: AsyncIterable<SourceLine>, members: readonly Bucket[], into: Map<string, number>): Promise<void> {
  for (const b of members) if (!into.has(b.name)) into.set(b.name, 0);
  for await (const row of rows) {
    const value = parseLine(members[0]!, row);
    for (const b of members) if (matches(value, b.where)) into.set(b.name, into.get(b.name)! + 1);
  }
}

/** A bucket's draws: each of its records' multiplicity, in source order. */
export interface Draws {
  times: Uint32Array;
  next: number;
}

/** The random stream that picks a bucket's extra draws; `unit` names a shard of the source in a sharded mix. */
export function bucketStream(o: MixOptions, bucket: string, unit?: string): () => number {
  const seed = o.seed ^ hashString(bucket, BUCKET_SEED);
  return prng((unit === undefined ? seed : seed ^ hashString(unit, ROUTE_SEED)) >>> 0);
}

/** The random stream that sends each drawn record to a shuffle chunk. */
export function routeStream(o: MixOptions, unit?: string): () => number {
  return prng(unit === undefined ? o.seed ^ ROUTE_SEED : (o.seed ^ hashString(unit, ROUTE_SEED)) >>> 0);
}

export function shuffleStream(o: MixOptions): () => number {
  return prng((o.seed ^ SHUFFLE_SEED) >>> 0);
}

/** Shuffle chunks: enough that each holds about `chunkRecords`, or none without a shuffle. */
export function chunkCount(o: MixOptions, total: number): number {
  return o.shuffle ? Math.max(1, Math.ceil(total / o.chunkRecords)) : 0;
}

/** Each record of `members` written `times` times (tagged with its bucket when asked) through `emit`. */
export async function drawSource(rows: AsyncIterable<SourceLine>, members: readonly Bucket[], o: MixOptions, draws: ReadonlyMap<string, Draws>, emit: (json: string) => Promise<void>): Promise<void> {
  const parse = o.tagField !== undefined || members.some((b) => b.where);
  for await (const row of rows) {
    const value = parse ? parseLine(members[0]!, row) : undefined;
    for (const b of members) {
      if (value && !matches(value, b.where)) continue;
      const p = draws.get(b.name)!;
      const k = p.times[p.next++]!;
      if (k === 0) continue;
      const json = o.tagField ? JSON.stringify({ ...value, [o.tagField]: b.name }) : row.text;
      for (let r = 0; r < k; r++) await emit(json);
    }
  }
}

/** Fisher-Yates over one chunk's rows, drawing from the mix's one shuffle stream. */
export function shuffleRows(rows: string[], next: () => number): void {
  for (let i = rows.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = rows[i]!;
    rows[i] = rows[j]!;
    rows[j] = t;
  }
}
