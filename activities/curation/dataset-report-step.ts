import { z } from 'zod';
import { readWholeLines } from '../../core/artifacts/lines.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import type { CuratedRecord } from '../../schemas/records.js';
import { textView } from './score/text-view.js';

export const reportOptionsSchema = z
  .object({
    maxImbalance: z.number().positive().default(3).describe('seed 000: flag when the largest bucket is over 3x the smallest'),
    maxDuplicateRate: z.number().min(0).max(1).default(0.1).describe('seed 000: flag a duplicate rate over 10%'),
    minMeanResponseChars: z.number().nonnegative().default(10).describe('seed 000: "outputs seem too short" under 10 chars on average'),
    bucketBy: z.enum(['auto', 'category', 'task', 'format']).default('auto').describe('auto: metadata.category, else task, else format'),
  })
  .strict();

/** Streaming length distribution in bounded memory: exact count/min/max/mean, quantiles from a log2 histogram. */
class Lengths {
  count = 0;
  min = Infinity;
  max = 0;
  sum = 0;
  private readonly bins = new Array<number>(64).fill(0);
  add(n: number): void {
    this.count++;
    this.sum += n;
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
    this.bins[n <= 0 ? 0 : Math.min(63, Math.floor(Math.log2(n) * 2) + 1)]!++;
  }
  private quantile(q: number): number {
    let seen = 0;
    const target = q * this.count;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i]!;
      if (seen >= target) return i === 0 ? 0 : Math.min(this.max, Math.round(2 ** (i / 2)));
    }
    return this.max;
  }
  toJSON() {
    if (this.count === 0) return { count: 0 };
    return { count: this.count, min: this.min, max: this.max, mean: Math.round((this.sum / this.count) * 10) / 10, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), approxQuantiles: 'upper edge of a half-octave bin' };
  }
}

/**
 * dataset-report: counts, length distributions, bucket balance (an imbalance over 3x is flagged),
 * exact-duplicate rate and the reasons histogram of the rejects given to it, as a JSON artifact.
 * No record text is in it.
 */
export const datasetReportStep = defineStep({
  kind: 'dataset-report',
  description: 'Dataset report: counts, lengths, bucket balance, duplicate rate, reject reasons',
  module: import.meta.url,
  inputs: { records: { kind: 'records' }, rejects: { kind: 'records', many: true, optional: true } },
  outputs: { report: 'report' },
  options: reportOptionsSchema,
  cli: { in: 'records', out: 'report' },
  async run(ctx, inputs, options) {
    const formats: Record<string, number> = {};
    const sources: Record<string, number> = {};
    const buckets: Record<string, number> = {};
    const prompt = new Lengths();
    const response = new Lengths();
    const quality = new Lengths();
    const seen = new Set<number>();
    let duplicates = 0;
    let records = 0;
    for await (const { bytes } of readWholeLines(await ctx.store.localPath(inputs.records), inputs.records.uri)) {
      if (bytes.length === 0) continue;
      const r = JSON.parse(bytes.toString('utf8')) as CuratedRecord;
      records++;
      formats[r.format] = (formats[r.format] ?? 0) + 1;
      const src = r.provenance?.source ?? 'unknown';
      sources[src] = (sources[src] ?? 0) + 1;
      const bucket =
        options.bucketBy === 'format' ? r.format
        : options.bucketBy === 'task' ? String(r.task ?? 'none')
        : options.bucketBy === 'category' ? String(r.metadata?.category ?? 'none')
        : String(r.metadata?.category ?? r.task ?? r.format);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
      const view = r.format ? textView(r) : { prompt: '', response: '' };
      prompt.add(view.prompt.length);
      response.add(view.response.length);
      if (typeof r.metadata?.quality_score === 'number') quality.add(Math.round(r.metadata.quality_score * 10));
      // 52 bits of the content-hash id: exact duplicates in bounded memory per record.
      const key = typeof r.id === 'string' ? parseInt(r.id.slice(0, 13), 16) : NaN;
      if (!Number.isNaN(key)) {
        if (seen.has(key)) duplicates++;
        else seen.add(key);
      }
      if (records % 20_000 === 0) ctx.heartbeat({ done: records, total: inputs.records.records, unit: 'records' });
    }
    const reasons: Record<string, number> = {};
    for (const ref of inputs.rejects ?? []) {
      for await (const { bytes } of readWholeLines(await ctx.store.localPath(ref), ref.uri)) {
        if (bytes.length === 0) continue;
        const reason = (JSON.parse(bytes.toString('utf8')) as { reason?: string }).reason ?? 'unknown';
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }
    const counts = Object.values(buckets);
    const imbalance = counts.length > 1 ? Math.max(...counts) / Math.min(...counts) : 1;
    const duplicateRate = records ? duplicates / records : 0;
    const flags: string[] = [];
    if (imbalance > options.maxImbalance) flags.push('imbalanced');
    if (duplicateRate > options.maxDuplicateRate) flags.push('high_duplicate_rate');
    if (response.count && response.sum / response.count < options.minMeanResponseChars) flags.push('responses_too_short');
    const report = {
      records,
      formats,
      sources,
      lengths: { promptChars: prompt.toJSON(), responseChars: response.toJSON() },
      qualityScoreTimes10: quality.toJSON(),
      balance: { by: options.bucketBy, buckets, imbalance: Math.round(imbalance * 100) / 100, maxImbalance: options.maxImbalance, imbalanced: imbalance > options.maxImbalance },
      duplicates: { exact: duplicates, rate: Math.round(duplicateRate * 10_000) / 10_000 },
      rejectReasons: reasons,
      flags,
    };
    const ref = await writeJsonArtifact(ctx.store, report, 'report', 'dataset-report');
    return { outputs: { report: ref }, metadata: { records, duplicates, imbalance: report.balance.imbalance, flags, rejected: 0 } };
  },
});
