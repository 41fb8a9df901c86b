import path from 'node:path';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { readJsonArtifact, readRecords, writeJsonArtifact } from '../../core/stage/records-io.js';
import { manifestSchema, type Bucket, type Manifest } from '../../schemas/manifest.js';
import { getPath } from '../../core/json/get-path.js';

const analyzeOptions = z
  .object({
    field: z.string().min(1).default('bucket').describe('the field (dotted path) whose values are the buckets'),
    name: z.string().optional(),
    descriptions: z.record(z.string(), z.string()).default({}),
    sourceFile: z.string().optional().describe('name this file as every bucket source instead of the stored artifact (CLI use)'),
  })
  .strict();

/**
 * Builds a bucket manifest from one dataset by a field (seed 002's `dataset_manifest.py --analyze`):
 * one bucket per value, sourced from the dataset filtered on that value, weighted by its observed
 * share. The distribution is in the step's metadata (and printed by `forgeline stage analyze`).
 */
export const analyzeStep = defineStep({
  kind: 'analyze',
  description: 'Build a bucket manifest from a dataset by a field and report the distribution',
  module: import.meta.url,
  paths: { sourceFile: 'read' },
  inputs: { records: { kind: 'records' } },
  outputs: { manifest: 'manifest' },
  options: analyzeOptions,
  cli: { in: 'records', out: 'manifest' },
  // On a sharded dataset: counts per shard, added up into one manifest whose buckets read the shard
  // manifest, so that mix fans out over the same shards (activities/mix/sharded/).
  shardable: {
    input: 'records',
    sharded: ['manifest'],
    async merge(store, shards, inputs, o) {
      const counts: Counts = new Map();
      for (const shard of shards) {
        for (const b of (await readJsonArtifact<Manifest>(store, shard.outputs.manifest!)).buckets) {
          const c = counts.get(b.name) ?? { equals: b.where!.equals, count: 0 };
          c.count += b.count!;
          counts.set(b.name, c);
        }
      }
      const total = shards.reduce((n, s) => n + (s.metadata.total as number), 0);
      const missing = shards.reduce((n, s) => n + (s.metadata.missing as number), 0);
      const { manifest, metadata } = await writeAnalysis(store, o, o.sourceFile ? { file: path.resolve(o.sourceFile) } : { artifact: inputs.records }, counts, total, missing);
      return { outputs: { manifest }, metadata };
    },
  },
  async run(ctx, inputs, o) {
    const counts: Counts = new Map();
    let total = 0;
    let missing = 0;
    for await (const { value } of readRecords<Record<string, unknown>>(ctx.store, inputs.records)) {
      total++;
      const v = getPath(value, o.field);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        missing++;
        continue;
      }
      const key = String(v);
      const c = counts.get(key) ?? { equals: v, count: 0 };
      c.count++;
      counts.set(key, c);
    }
    const source = o.sourceFile ? { file: path.resolve(o.sourceFile) } : { artifact: inputs.records };
    const { manifest, metadata } = await writeAnalysis(ctx.store, o, source, counts, total, missing);
    for (const [name, c] of Object.entries(metadata.distribution)) ctx.log.info(`${name.padEnd(20)} ${String(c.count).padStart(10)} (${c.share.toFixed(1)}%)`);
    return { outputs: { manifest }, metadata };
  },
});

type Counts = Map<string, { equals: string | number | boolean; count: number }>;

/** One bucket per value, largest first, weighted by its share of the records that have the field. */
async function writeAnalysis(store: ArtifactStore, o: z.output<typeof analyzeOptions>, source: Bucket['source'], counts: Counts, total: number, missing: number) {
  if (counts.size === 0) {
    throw new PipelineError('INVALID_INPUT_DATA', `no record has a string, number or boolean "${o.field}" (${total} records read)`, [{ path: 'options.field', message: 'field not found' }]);
  }
  const counted = total - missing;
  const rows = [...counts].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const value: Manifest = manifestSchema.parse({
    version: 1,
    ...(o.name ? { name: o.name } : {}),
    buckets: rows.map(([name, c]) => ({
      name,
      source,
      where: { field: o.field, equals: c.equals },
      description: o.descriptions[name] ?? '',
      weight: Math.round((c.count / counted) * 1e4) / 1e4,
      count: c.count,
    })),
  });
  const manifest = await writeJsonArtifact(store, value, 'manifest', 'bucket-manifest');
  const distribution = Object.fromEntries(rows.map(([name, c]) => [name, { count: c.count, share: Math.round((c.count / counted) * 1000) / 10 }]));
  return { manifest, metadata: { total, missing, field: o.field, buckets: rows.length, distribution } };
}
