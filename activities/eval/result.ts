import type { ClassificationReport } from './metrics/classification.js';
import type { RollingScore } from './metrics/perplexity.js';
import { pairedStat, type BootstrapOptions } from './stats/compare.js';

/**
 * The evaluation result, stored as a `report` artifact with schema `eval` (the lineage store keys
 * its SCORED relationships on that schema). Metric values are fractions in [0, 1] (`unit:
 * 'fraction'`, shown and compared in points = 100 x value) or raw values (`unit: 'value'`,
 * perplexity); `higherIsBetter` says which way is better.
 */
export interface MetricRow {
  name: string;
  unit: 'fraction' | 'value';
  higherIsBetter: boolean;
  /** How many documents or examples the value averages over. */
  n: number;
  base?: number;
  tuned: number;
  /** tuned - base, in points for fractions (x100) and in raw units for values. */
  delta?: number;
  /** The same difference with its 95% interval from the per-example values of both models (stats/compare.ts). */
  paired?: PairedStat;
}

/**
 * A paired comparison of tuned against base on the same examples, in the row's comparison unit
 * (points for fractions, raw for values), tuned - base (not sign-corrected: for perplexity a
 * negative delta is the better model). `mcnemar` for 0/1 metrics: exact p on the discordant
 * counts `b` (tuned right, base wrong) and `c` (the reverse), Newcombe's interval; `bootstrap`
 * for the rest: percentile interval over resampled examples.
 */
export interface PairedStat {
  method: 'bootstrap' | 'mcnemar';
  n: number;
  delta: number;
  low: number;
  high: number;
  pValue?: number;
  b?: number;
  c?: number;
}

/**
 * The values behind one metric, one per example in plan order, so that base and tuned pair by
 * index: `binary` 0/1 outcomes (the metric is their mean), `mean` continuous scores (likewise), or
 * `corpus` for a statistic of summed log-likelihoods (`rolling` names the ModelScores.rolling list).
 */
export type PerExample =
  | { kind: 'binary' | 'mean'; values: number[] }
  | { kind: 'corpus'; statistic: 'perplexity' | 'bits_per_byte'; rolling: string };

export interface ModelRef {
  label: 'base' | 'tuned';
  sha256: string;
  bytes: number;
  uri: string;
}

export interface ModelScores {
  model: ModelRef;
  metrics: Record<string, number>;
  n: Record<string, number>;
  /** Wall time per task, ms. */
  timings: Record<string, number>;
  classification?: ClassificationReport;
  humaneval?: Record<string, number>;
  /** Per metric name, the per-example values it summarises (absent in reports written before them). */
  perExample?: Record<string, PerExample>;
  /** Per-document log-likelihood sums (natural log), tokens and bytes, per task ('test'). */
  rolling?: Record<string, RollingScore[]>;
}

export interface EvalReport {
  schema: 'eval';
  version: 1;
  phase: string;
  settings: Record<string, unknown>;
  metrics: MetricRow[];
  models: { base?: ModelScores; tuned: ModelScores };
  /** Test-split records that could not be evaluated, per reason code. */
  skipped: Record<string, number>;
  /** n-gram overlap of the test split with the training data (given a `train` input). */
  contamination?: Contamination;
}

/**
 * Test examples sharing at least one `n`-gram (lowercased words, GPT-3 paper appendix C) with the
 * training records: `contaminated` of `testExamples` (`share` = their fraction), `overlapping`
 * distinct test n-grams found among the `trainNgrams` distinct training n-grams.
 */
export interface Contamination {
  n: number;
  testExamples: number;
  contaminated: number;
  share: number;
  trainNgrams: number;
  overlapping: number;
  /** Test examples with no field of n words or more: no n-gram, so never counted as contaminated. */
  tooShort: number;
}

/** The `parity` step's report: one reference model and its quantized files, scored on the same text. */
export interface ParityReport {
  schema: 'parity';
  version: 1;
  /** Test examples scored, and the tokens the reference model saw in them. */
  examples: number;
  tokens: number;
  rows: ParityRow[];
}

/** One model file scored on the same held-out text: the reference (unquantized) first. */
export interface ParityRow {
  model: string;
  /** Quantization type (GGUF general.file_type, or the quantize step's stamp). */
  type: string;
  bytes: number;
  sha256: string;
  perplexity: number;
  /** perplexity / the reference's perplexity (1 = no loss). */
  ratioToReference: number;
}

export const METRIC_INFO: Record<string, { unit: 'fraction' | 'value'; higherIsBetter: boolean }> = {
  perplexity: { unit: 'value', higherIsBetter: false },
  bits_per_byte: { unit: 'value', higherIsBetter: false },
};

export function metricInfo(name: string): { unit: 'fraction' | 'value'; higherIsBetter: boolean } {
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  return METRIC_INFO[leaf] ?? { unit: 'fraction', higherIsBetter: true };
}

/** Improvement of tuned over base in the metric's comparison unit (points for fractions), sign-corrected so that > 0 is better. */
export function gain(row: Pick<MetricRow, 'unit' | 'higherIsBetter' | 'base' | 'tuned'>): number | undefined {
  if (row.base === undefined) return undefined;
  const scale = row.unit === 'fraction' ? 100 : 1;
  const d = (row.tuned - row.base) * scale;
  return row.higherIsBetter ? d : -d;
}

/** The paired difference as a gain with its interval, sign-corrected as `gain`: low > 0 means better beyond chance. */
export function gainInterval(row: Pick<MetricRow, 'higherIsBetter' | 'paired'>): { gain: number; low: number; high: number } | undefined {
  const p = row.paired;
  if (!p) return undefined;
  return row.higherIsBetter ? { gain: p.delta, low: p.low, high: p.high } : { gain: -p.delta, low: -p.high, high: -p.low };
}

export function buildRows(tuned: ModelScores, base: ModelScores | undefined, opts: BootstrapOptions = {}): MetricRow[] {
  return Object.keys(tuned.metrics)
    .sort()
    .map((name) => {
      const info = metricInfo(name);
      const row: MetricRow = { name, ...info, n: tuned.n[name] ?? 0, tuned: tuned.metrics[name]! };
      const b = base?.metrics[name];
      if (b !== undefined) {
        const scale = info.unit === 'fraction' ? 100 : 1;
        row.base = b;
        row.delta = (row.tuned - b) * scale;
        const paired = pairedStat(name, base!, tuned, scale, opts);
        if (paired) row.paired = paired;
      }
      return row;
    });
}
