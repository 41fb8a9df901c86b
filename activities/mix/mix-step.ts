import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FileSink } from '../../core/artifacts/file-sink.js';
import { readWholeLines } from '../../core/artifacts/lines.js';
import { zodIssueToIssue } from '../../core/dsl/compile.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readJsonArtifact, RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { manifestSchema, type Bucket, type Manifest } from '../../schemas/manifest.js';
import { hashString, prng } from '../../core/hash32.js';
import { allocate, PHASE_NAMES, PHASE_PRESETS } from './presets.js';
import { describeSource, matches, parseLine, sourceKey, sourceLines } from './sources.js';

export const mixOptions = z
  .object({
    phase: z.enum(PHASE_NAMES).optional().describe('a seed 002 preset: its weights (and its size when total is not given)'),
    weights: z.record(z.string(), z.number().min(0)).optional().describe('custom weights per bucket name (instead of a phase)'),
    total: z.number().int().positive().optional().describe('records in the mix; default: the phase size'),
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

interface Plan {
  bucket: Bucket;
  weight: number;
  available: number;
  requested: number;
}

/**
 * Weighted sampling of a manifest's buckets to exactly `total` records. Counts per bucket are exact
 * (largest remainder); a bucket gives distinct records while it can, and when it is smaller than its
 * share every record is repeated floor(share/size) times plus a seeded draw for the remainder, which
 * the report lists as oversampled. Weight 0 excludes a bucket; a weighted bucket that is missing or
 * empty is an error. Memory holds one index per record of a bucket and one shuffle chunk.
 */
export const mixStep = defineStep({
  kind: 'mix',
  description: 'Weighted mix of manifest buckets (seed 002 phase presets or custom weights)',
  module: import.meta.url,
  inputs: { manifest: { kind: 'manifest' } },
  outputs: { records: 'records', report: 'report' },
  options: mixOptions,
  cli: { in: 'manifest', out: 'records' },
  async run(ctx, inputs, o) {
    const manifest = await loadManifest(ctx.store, inputs.manifest);
    const baseDir = process.cwd();
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

    // Count what each weighted bucket holds: one pass per distinct source, however many buckets share it.
    const groups = new Map<string, Bucket[]>();
    for (const b of weighted) groups.set(sourceKey(b, baseDir), [...(groups.get(sourceKey(b, baseDir)) ?? []), b]);
    const available = new Map<string, number>(weighted.map((b) => [b.name, 0]));
    for (const members of groups.values()) {
      for await (const { line, text } of sourceLines(ctx.store, members[0]!, baseDir)) {
        const value = parseLine(members[0]!, line, text);
        for (const b of members) if (matches(value, b.where)) available.set(b.name, available.get(b.name)! + 1);
      }
    }
    const plans: Plan[] = [];
    for (const bucket of weighted) {
      if (available.get(bucket.name) === 0) {
        throw new PipelineError('INVALID_INPUT_DATA', `bucket "${bucket.name}" has weight ${weights[bucket.name]} but no records (${describeSource(bucket)})`, [
          { path: `buckets.${bucket.name}`, message: 'empty bucket with a weight above 0' },
        ]);
      }
      plans.push({ bucket, weight: weights[bucket.name]!, available: available.get(bucket.name)!, requested: 0 });
    }
    const counts = allocate(total, plans.map((p) => ({ name: p.bucket.name, weight: p.weight })));
    for (const p of plans) p.requested = counts.get(p.bucket.name)!;

    // Draw and write: straight to the output, or through seeded chunks that are shuffled one at a time.
    const out = await RecordsWriter.open(ctx.store);
    const chunks = o.shuffle ? Math.max(1, Math.ceil(total / o.chunkRecords)) : 0;
    const chunkFiles = Array.from({ length: chunks }, (_, i) => path.join(ctx.workDir, `chunk-${i}.jsonl`));
    const chunkStreams = chunkFiles.map((f) => new FileSink(f));
    const route = prng(o.seed ^ 0x2f6b3c1d);
    const emit = async (json: string): Promise<void> => {
      if (chunks === 0) return out.writeLine(json);
      const s = chunkStreams[route() % chunks]!;
      await s.write(json + '\n');
    };
    const plan = new Map(plans.map((p) => [p.bucket.name, { times: multiplicities(p.available, p.requested, prng((o.seed ^ hashString(p.bucket.name, 0x1234567)) >>> 0)), next: 0 }]));
    try {
      let done = 0;
      for (const members of groups.values()) {
        const parse = o.tagField !== undefined || members.some((b) => b.where);
        for await (const { line, text } of sourceLines(ctx.store, members[0]!, baseDir)) {
          const value = parse ? parseLine(members[0]!, line, text) : undefined;
          for (const b of members) {
            if (value && !matches(value, b.where)) continue;
            const p = plan.get(b.name)!;
            const k = p.times[p.next++]!;
            if (k === 0) continue;
            const json = o.tagField ? JSON.stringify({ ...value, [o.tagField]: b.name }) : text;
            for (let r = 0; r < k; r++) await emit(json);
          }
        }
        done += members.length;
        ctx.heartbeat({ message: 'drawing', done, total: plans.length, unit: 'buckets' });
      }
      for (const s of chunkStreams) await s.close();
      const shuffle = prng((o.seed ^ 0x51ed270b) >>> 0);
      const decoder = new TextDecoder('utf-8');
      for (const f of chunkFiles) {
        const rows: string[] = [];
        for await (const raw of readWholeLines(f, f)) if (raw.bytes.length > 0) rows.push(decoder.decode(raw.bytes));
        for (let i = rows.length - 1; i > 0; i--) {
          const j = shuffle() % (i + 1);
          const t = rows[i]!;
          rows[i] = rows[j]!;
          rows[j] = t;
        }
        for (const r of rows) await out.writeLine(r);
        await fs.rm(f);
      }
    } catch (err) {
      for (const s of chunkStreams) await s.destroy();
      await out.abort();
      throw err;
    }
    const records = await out.commit('any');
    const summary = {
      phase: o.phase ?? null,
      total,
      seed: o.seed,
      buckets: plans.map((p) => ({
        name: p.bucket.name,
        weight: Math.round((p.weight / plans.reduce((s, q) => s + q.weight, 0)) * 1e6) / 1e6,
        available: p.available,
        requested: p.requested,
        oversampled: p.requested > p.available,
        ...(p.requested > p.available ? { factor: Math.round((p.requested / p.available) * 100) / 100 } : {}),
      })),
      oversampled: plans.filter((p) => p.requested > p.available).map((p) => p.bucket.name),
      excluded,
    };
    const report = await writeJsonArtifact(ctx.store, summary, 'report', 'mix-report');
    return { outputs: { records, report }, metadata: { ...summary, records: records.records } };
  },
});

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
