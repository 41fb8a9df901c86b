import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { recordProgress } from '../../core/stage/progress.js';
import { readRecords } from '../../core/stage/records-io.js';
import type { MinhashParams } from '../dedup/minhash.js';
import { checkBands, minhashParams, minhashShape } from '../dedup/options.js';
import { SignatureTable } from '../dedup/signatures.js';
import { recordText } from '../dedup/text.js';
import { clusterAndAssign } from './cluster-assign.js';
import { writeSplits } from './copy-lines.js';
import { signaturesFromIndex } from './dedup-signatures.js';
import { KeyGatherer } from './gather.js';
import { splitSummary, writeSplitReport } from './report.js';

export const splitOptions = z
  .object({
    ratios: z
      .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
      .default([0.9, 0.05, 0.05])
      .describe('train, valid, test shares (seed 001 split_dataset(train_ratio=0.9, valid_ratio=0.05); seed 004 90/5/5)'),
    seed: z.number().int().default(0),
    stratifyBy: z.string().optional().describe('field (dotted path) whose proportions every split keeps, e.g. category'),
    groupBy: z.array(z.string()).default([]).describe('fields whose equal values must share a split (conversation id, source document)'),
    nearDuplicates: z.boolean().default(true).describe('keep near-duplicates (MinHash, same parameters as dedup) in one split'),
    ...minhashShape,
  })
  .strict()
  .superRefine(checkBands)
  .superRefine((o, ctx) => {
    const sum = o.ratios[0] + o.ratios[1] + o.ratios[2];
    if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: 'custom', path: ['ratios'], message: `ratios must sum to 1 (got ${sum})` });
  });

export type SplitOptions = z.output<typeof splitOptions>;

/**
 * Leakage-free, stratified train/valid/test split. Pass 1 gathers per record its stratum, group keys,
 * exact key and MinHash signature (the last two from dedup's index when it signed these very records
 * with the same parameters, see dedup-signatures.ts); exact duplicates, near-duplicates and records sharing a group key
 * are unioned into clusters, and whole clusters are assigned (test first). Pass 2 streams the input
 * into the three outputs. Afterwards every pair of near-duplicates that shares an LSH band is checked
 * again: the report's `crossSplit` counts pairs that ended up in different splits (0 by construction).
 */
export const splitStep = defineStep({
  kind: 'split',
  description: 'Deterministic, stratified, leakage-free train/valid/test split',
  module: import.meta.url,
  // `index`: dedup's index of these very records, whose signatures split then reuses (checked; it signs when they do not match).
  inputs: { records: { kind: 'records' }, index: { kind: 'index', optional: true } },
  outputs: { train: 'records', valid: 'records', test: 'records', report: 'report' },
  options: splitOptions,
  cli: { in: 'records', out: 'train' },
  // On a shard manifest, its own fan-out (workflows/sharded-split.ts); train, valid and test stay one records artifact each (sharded/write-shard.ts says why).
  shardable: { input: 'records', sharded: [], fanOut: 'split' },
  async run(ctx, inputs, o) {
    const t0 = Date.now();
    const params = minhashParams(o);
    const keys = new KeyGatherer(o);
    const reused = await signaturesFromIndex(ctx.store, inputs.index, inputs.records, params, o.fields);
    const fromIndex = 'reason' in reused ? undefined : reused;
    const table = fromIndex ? undefined : new SignatureTable(signingParams(o, params), inputs.records.records ?? 0, o.threads);
    try {
      const progress = recordProgress(ctx, inputs.records.records, 'hashing');
      for await (const { value, line } of readRecords<Record<string, unknown>>(ctx.store, inputs.records)) {
        const record = keys.add(value, line);
        if (table) await table.add(recordText(record, o.fields));
        progress(keys.count);
      }
      await table?.finish();
    } finally {
      await table?.close();
    }
    const n = keys.count;
    if (fromIndex && fromIndex.count !== n) throw new PipelineError('ARTIFACT_CORRUPT', `the dedup index signed ${fromIndex.count} records, its records artifact holds ${n}`);
    const { sigs, exact } = fromIndex ?? table!;
    // The report says which path was taken, and why split signed when it did.
    const signatures = 'reason' in reused ? { source: 'signed', why: reused.reason } : { source: 'dedup-index' };
    const tRead = Date.now();

    const assigned = await clusterAndAssign({ keys, exact, sigs, params, o, heartbeat: ctx.heartbeat });
    const tAssign = Date.now();

    const outputs = await writeSplits(ctx.store, inputs.records, (i) => assigned.split[i]!, inputs.records.schema);
    const summary = splitSummary(o, n, outputs, assigned, signatures, { read: tRead - t0, assign: tAssign - tRead, write: Date.now() - tAssign });
    const { report, metadata } = await writeSplitReport(ctx.store, summary, assigned.strata);
    return { outputs: { ...outputs, report }, metadata };
  },
});

/** Without near-duplicates only the exact keys are needed: one permutation in one band is the cheapest table that computes them. */
export function signingParams(o: { nearDuplicates: boolean }, params: MinhashParams): MinhashParams {
  return o.nearDuplicates ? params : { ...params, permutations: 1, bands: 1 };
}
