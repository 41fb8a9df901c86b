import path from 'node:path';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, writeJsonArtifact } from '../../core/stage/records-io.js';
import { manifestSchema, type Manifest } from '../../schemas/manifest.js';
import { getPath } from '../../core/json/get-path.js';

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
  options: z
    .object({
      field: z.string().min(1).default('bucket').describe('the field (dotted path) whose values are the buckets'),
      name: z.string().optional(),
      descriptions: z.record(z.string(), z.string()).default({}),
      sourceFile: z.string().optional().describe('name this file as every bucket source instead of the stored artifact (CLI use)'),
    })
    .strict(),
  cli: { in: 'records', out: 'manifest' },
  async run(ctx, inputs, o) {
    const counts = new Map<string, { equals: string | number | boolean; count: number }>();
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
    if (counts.size === 0) {
      throw new PipelineError('INVALID_INPUT_DATA', `no record has a string, number or boolean "${o.field}" (${total} records read)`, [{ path: 'options.field', message: 'field not found' }]);
    }
    const counted = total - missing;
    const rows = [...counts].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
    const source = o.sourceFile ? { file: path.resolve(o.sourceFile) } : { artifact: inputs.records };
    const manifest: Manifest = manifestSchema.parse({
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
    const ref = await writeJsonArtifact(ctx.store, manifest, 'manifest', 'bucket-manifest');
    const distribution = Object.fromEntries(rows.map(([name, c]) => [name, { count: c.count, share: Math.round((c.count / counted) * 1000) / 10 }]));
    for (const [name, c] of rows) ctx.log.info(`${name.padEnd(20)} ${String(c.count).padStart(10)} (${((c.count / counted) * 100).toFixed(1)}%)`);
    return { outputs: { manifest: ref }, metadata: { total, missing, field: o.field, buckets: rows.length, distribution } };
  },
});
