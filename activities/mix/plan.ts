import { z } from 'zod';
import { zodIssueToIssue } from '../../core/dsl/compile.js';
import { PipelineError } from '../../core/errors.js';
import { readJsonArtifact } from '../../core/stage/records-io.js';
import { manifestSchema, type Bucket, type Manifest } from '../../schemas/manifest.js';
import { allocate, PHASE_NAMES, PHASE_PRESETS } from './presets.js';
import { describeSource, sourceKey } from './sources.js';

export const mixOptions = z
  .object({
    phase: z.enum(PHASE_NAMES).optional().describe('a seed 002 preset: its weights (and its size when total is not given)'),
    weights: z.record(z.string(), z.number().min(0)).optional().describe('custom weights per bucket name (instead of a phase)'),
    total: z
      .union([z.number().int().positive(), z.literal('all')])
      .optional()
      .describe("records in the mix; default: the phase size. 'all': every record of each weighted bucket once (the weights then only choose the buckets), a pool to split before phases mix from it"),
    seed: z.number().int().default(0),
    shuffle: z.boolean().default(true).describe('interleave the buckets in a seeded random order'),
    tagField: z.string().optional().describe('write the bucket name into this field of every record'),
    chunkRecords: z.number().int().positive().default(100_000).describe('records held in memory at once while shuffling'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.phase && o.weights) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'give a phase or custom weights, not both' });
    if (!o.phase && o.total === undefined) ctx.addIssue({ code: 'custom', path: ['total'], message: 'total is required without a phase' });
  });
export type MixOptions = z.output<typeof mixOptions>;

export async function loadManifest(store: Parameters<typeof readJsonArtifact>[0], ref: Parameters<typeof readJsonArtifact>[1]): Promise<Manifest> {
  let raw: unknown;
  try {
    raw = await readJsonArtifact<unknown>(store, ref);
  } catch (err) {
    if (err instanceof SyntaxError) throw new PipelineError('INVALID_INPUT_DATA', `manifest is not valid JSON: ${err.message}`);
    throw err;
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new PipelineError('INVALID_INPUT_DATA', 'invalid manifest', parsed.error.issues.map(zodIssueToIssue('manifest')));
  return parsed.data;
}

/** The buckets a mix draws from, before anything is read: their weights, the total and the buckets left out. */
export interface MixWeights {
  /** Records in the mix; `'all'` takes each weighted bucket whole, so the total is known only once counted. */
  total: number | 'all';
  weights: Record<string, number>;
  /** Where the weights came from, for messages. */
  origin: string;
  /** The buckets with a weight above 0, in manifest order. */
  weighted: Bucket[];
  excluded: string[];
  /** The weighted buckets by source: one pass over each source serves every bucket that reads it. */
  groups: Map<string, Bucket[]>;
}

/** A phase's weights, custom weights or the manifest's own; a weighted bucket the manifest lacks, or no weight at all, is an error. */
export function weighBuckets(manifest: Manifest, o: MixOptions, baseDir: string): MixWeights {
  const byName = new Map(manifest.buckets.map((b) => [b.name, b]));
  const preset = o.phase ? PHASE_PRESETS[o.phase] : undefined;
  const weights: Record<string, number> = preset ? { ...preset.weights } : (o.weights ?? Object.fromEntries(manifest.buckets.map((b) => [b.name, b.weight])));
  const total = o.total ?? preset!.defaultTotal;
  const origin = o.phase ? `phase ${o.phase}` : o.weights ? 'the custom weights' : 'the manifest';
  const missing = Object.entries(weights).filter(([name, w]) => w > 0 && !byName.has(name));
  if (missing.length > 0) {
    throw new PipelineError(
      'INVALID_INPUT_DATA',
      `${origin} weights bucket(s) the manifest does not list: ${missing.map(([n]) => n).join(', ')} (manifest buckets: ${[...byName.keys()].join(', ')})`,
      missing.map(([name, w]) => ({ path: `buckets.${name}`, message: `weight ${w} in ${origin}, but no such bucket in the manifest` })),
    );
  }
  const weighted = manifest.buckets.filter((b) => (weights[b.name] ?? 0) > 0);
  if (weighted.length === 0) throw new PipelineError('INVALID_INPUT_DATA', `${origin} gives no bucket a weight above 0`);
  const excluded = manifest.buckets.filter((b) => (weights[b.name] ?? 0) === 0).map((b) => b.name);
  const groups = new Map<string, Bucket[]>();
  for (const b of weighted) groups.set(sourceKey(b, baseDir), [...(groups.get(sourceKey(b, baseDir)) ?? []), b]);
  return { total, weights, origin, weighted, excluded, groups };
}

/** A bucket's weight, the records its source holds for it and the records the mix takes. */
export interface BucketCounts {
  name: string;
  weight: number;
  available: number;
  requested: number;
}
export type BucketPlan = BucketCounts & { bucket: Bucket };

/** Exact counts per bucket (largest remainder over the weights); a weighted bucket with no records is an error. */
export function allocateBuckets(w: MixWeights, available: ReadonlyMap<string, number>): BucketPlan[] {
  const plans: BucketPlan[] = [];
  for (const bucket of w.weighted) {
    const n = available.get(bucket.name) ?? 0;
    if (n === 0) {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${bucket.name}" has weight ${w.weights[bucket.name]} but no records (${describeSource(bucket)})`, [
        { path: `buckets.${bucket.name}`, message: 'empty bucket with a weight above 0' },
      ]);
    }
    plans.push({ bucket, name: bucket.name, weight: w.weights[bucket.name]!, available: n, requested: 0 });
  }
  if (w.total === 'all') {
    for (const p of plans) p.requested = p.available;
    return plans;
  }
  const counts = allocate(w.total, plans.map((p) => ({ name: p.bucket.name, weight: p.weight })));
  for (const p of plans) p.requested = counts.get(p.bucket.name)!;
  return plans;
}

/** Records the mix writes: the sum of what each bucket gives. */
export function mixTotal(plans: readonly BucketCounts[]): number {
  return plans.reduce((n, p) => n + p.requested, 0);
}

/** The mix's report: each bucket's normalised weight, what it held and gave, and which were oversampled or left out. */
export function mixSummary(o: MixOptions, total: number, plans: readonly BucketCounts[], excluded: string[]) {
  const sum = plans.reduce((s, q) => s + q.weight, 0);
  return {
    phase: o.phase ?? null,
    total,
    seed: o.seed,
    buckets: plans.map((p) => ({
      name: p.name,
      weight: Math.round((p.weight / sum) * 1e6) / 1e6,
      available: p.available,
      requested: p.requested,
      oversampled: p.requested > p.available,
      ...(p.requested > p.available ? { factor: Math.round((p.requested / p.available) * 100) / 100 } : {}),
    })),
    oversampled: plans.filter((p) => p.requested > p.available).map((p) => p.name),
    excluded,
  };
}

/**
 * How often each of `available` records is taken so that the sum is `requested`: every record
 * floor(requested/available) times, plus once more for a seeded choice of the remainder (partial
 * Fisher-Yates over the indices).
 */
export function multiplicities(available: number, requested: number, next: () => number): Uint32Array {
  const base = Math.floor(requested / available);
  const extra = requested - base * available;
  const times = new Uint32Array(available).fill(base);
  if (extra > 0) {
    const idx = new Uint32Array(available);
    for (let i = 0; i < available; i++) idx[i] = i;
    for (let i = 0; i < extra; i++) {
      const j = i + (next() % (available - i));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
      times[idx[i]!]!++;
    }
  }
  return times;
}
