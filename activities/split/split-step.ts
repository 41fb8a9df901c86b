import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { FULL_COMPARE_LIMIT, forEachBucket, linkNearDuplicates, UnionFind } from '../dedup/lsh.js';
import { estimateJaccard, rowsOf } from '../dedup/minhash.js';
import { checkBands, minhashParams, minhashShape } from '../dedup/options.js';
import { SignatureTable } from '../dedup/signatures.js';
import { recordText } from '../dedup/text.js';
import { copyLines } from './copy-lines.js';
import { signaturesFromIndex } from './dedup-signatures.js';
import { getPath } from '../../core/json/get-path.js';
import { assignSplits, SPLITS, TEST, TRAIN, VALID } from './assign.js';
import { recordProgress } from '../../core/stage/progress.js';

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

const MISSING = '(missing)';

function keyString(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

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
  async run(ctx, inputs, o) {
    const t0 = Date.now();
    const params = minhashParams(o);
    const P = params.permutations;
    const strataIds = new Map<string, number>();
    const strata: string[] = [];
    const stratum: number[] = [];
    const groupFirst = o.groupBy.map(() => new Map<string, number>());
    const groupLinks: [number, number][] = [];
    const reused = await signaturesFromIndex(ctx.store, inputs.index, inputs.records, params, o.fields);
    const fromIndex = 'reason' in reused ? undefined : reused;
    const table = fromIndex ? undefined : new SignatureTable(o.nearDuplicates ? params : { ...params, permutations: 1, bands: 1 }, inputs.records.records ?? 0, o.threads);
    let n = 0;
    try {
      const progress = recordProgress(ctx, inputs.records.records, 'hashing');
      for await (const { value, line } of readRecords<Record<string, unknown>>(ctx.store, inputs.records)) {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          throw new PipelineError('INVALID_INPUT_DATA', `line ${line}: not a JSON object`, [{ path: `records:${line}`, message: 'not a JSON object' }]);
        }
        const i = n++;
        const s = o.stratifyBy ? (keyString(getPath(value, o.stratifyBy)) ?? MISSING) : 'all';
        let sid = strataIds.get(s);
        if (sid === undefined) {
          sid = strata.length;
          strataIds.set(s, sid);
          strata.push(s);
        }
        stratum.push(sid);
        o.groupBy.forEach((field, g) => {
          const k = keyString(getPath(value, field));
          if (k === undefined) return;
          const first = groupFirst[g]!.get(k);
          if (first === undefined) groupFirst[g]!.set(k, i);
          else groupLinks.push([first, i]);
        });
        if (table) await table.add(recordText(value, o.fields));
        progress(n);
      }
      await table?.finish();
    } finally {
      await table?.close();
    }
    if (fromIndex && fromIndex.count !== n) throw new PipelineError('ARTIFACT_CORRUPT', `the dedup index signed ${fromIndex.count} records, its records artifact holds ${n}`);
    const { sigs, exact } = fromIndex ?? table!;
    // The report says which path was taken, and why split signed when it did.
    const signatures = 'reason' in reused ? { source: 'signed', why: reused.reason } : { source: 'dedup-index' };
    const tRead = Date.now();

    const uf = new UnionFind(n);
    for (const [a, b] of groupLinks) uf.union(a, b);
    const keyOf = (i: number): number => (exact[2 * i]! & 0x1fffff) * 0x100000000 + exact[2 * i + 1]!;
    const firstByKey = new Map<number, number>();
    const reps: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = firstByKey.get(keyOf(i));
      if (f === undefined) {
        firstByKey.set(keyOf(i), i);
        reps.push(i);
      } else uf.union(f, i);
    }
    const layout = { permutations: P, bands: params.bands, rows: rowsOf(params) };
    const members = Int32Array.from(reps);
    const onBand = (band: number) => ctx.heartbeat({ done: band + 1, total: params.bands, unit: 'bands', message: 'clustering' });
    const lsh = o.nearDuplicates ? await linkNearDuplicates(sigs, members, layout, o.threshold, uf, undefined, onBand) : undefined;

    const { split, counts, clusters } = assignSplits(n, uf, Int32Array.from(stratum), strata, o.ratios, o.seed);
    const tAssign = Date.now();

    // Independent check of what was promised: no exact duplicate, near-duplicate or group crosses splits.
    const crossSplit = { exactDuplicates: 0, nearDuplicates: 0, groups: 0 };
    for (let i = 0; i < n; i++) if (split[i] !== split[firstByKey.get(keyOf(i))!]) crossSplit.exactDuplicates++;
    for (const [a, b] of groupLinks) if (split[a] !== split[b]) crossSplit.groups++;
    if (o.nearDuplicates) {
      await forEachBucket(sigs, members, layout, (group) => {
        const limit = Math.min(group.length, FULL_COMPARE_LIMIT * 2);
        for (let x = 0; x < limit; x++) {
          for (let y = x + 1; y < limit; y++) {
            const a = group[x]!;
            const b = group[y]!;
            if (split[a] !== split[b] && estimateJaccard(sigs, a, b, P) >= o.threshold) crossSplit.nearDuplicates++;
          }
        }
      }, (band) => ctx.heartbeat({ done: band + 1, total: params.bands, unit: 'bands', message: 'checking' }));
    }

    const writers = await Promise.all(SPLITS.map(() => RecordsWriter.open(ctx.store)));
    try {
      await copyLines(ctx.store, inputs.records, writers, (i) => split[i]!);
    } catch (err) {
      await Promise.all(writers.map((w) => w.abort()));
      throw err;
    }
    const schema = inputs.records.schema;
    const train = await writers[TRAIN]!.commit(schema);
    const valid = await writers[VALID]!.commit(schema);
    const test = await writers[TEST]!.commit(schema);
    const summary = {
      total: n,
      train: train.records ?? 0,
      valid: valid.records ?? 0,
      test: test.records ?? 0,
      ratios: o.ratios,
      seed: o.seed,
      stratifyBy: o.stratifyBy ?? null,
      groupBy: o.groupBy,
      clusters,
      crossSplit,
      signatures,
      ...(lsh ? { lsh } : {}),
      ms: { read: tRead - t0, assign: tAssign - tRead, write: Date.now() - tAssign },
    };
    // Counted per record (a cluster spanning strata sits wholly in one split).
    const actual = new Map<string, { total: number; train: number; valid: number; test: number }>();
    for (const name of counts.keys()) actual.set(name, { total: 0, train: 0, valid: 0, test: 0 });
    for (let i = 0; i < n; i++) {
      const name = strata[stratum[i]!]!;
      const c = actual.get(name) ?? { total: 0, train: 0, valid: 0, test: 0 };
      c.total++;
      c[SPLITS[split[i]!]!]++;
      actual.set(name, c);
    }
    const strataReport = Object.fromEntries([...actual].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const report = await writeJsonArtifact(ctx.store, { ...summary, strata: strataReport }, 'report', 'split-report');
    return {
      outputs: { train, valid, test, report },
      // Strata names are data values: only a bounded number go to metadata.
      metadata: { ...summary, strata: strata.length <= 50 ? strataReport : `${strata.length} strata (see report)` },
    };
  },
});
