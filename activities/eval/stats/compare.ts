import { fromSums, type RollingScore } from '../metrics/perplexity.js';
import type { ModelScores, PairedStat, PerExample } from '../result.js';
import { bootstrapMeanDifference, mcnemar, pairedBootstrap } from './paired.js';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

/**
 * The paired comparison of one metric from both models' per-example values, scaled to the row's
 * comparison unit; undefined where a report lacks them (benchmarks without per-doc values, reports
 * written before they were kept) or the two lists do not pair (a different count).
 */
export function pairedStat(name: string, base: ModelScores, tuned: ModelScores, scale: number, opts: BootstrapOptions = {}): PairedStat | undefined {
  const pb = base.perExample?.[name];
  const pt = tuned.perExample?.[name];
  if (!pb || !pt || pb.kind !== pt.kind) return undefined;
  if (pb.kind === 'corpus' && pt.kind === 'corpus') {
    const db = base.rolling?.[pb.rolling];
    const dt = tuned.rolling?.[pt.rolling];
    if (!db || !dt || db.length !== dt.length || db.length === 0) return undefined;
    const r = pairedBootstrap(db.length, corpusDifference(db, dt, pt.statistic), opts);
    return scaled({ method: 'bootstrap', n: r.n, delta: r.delta, low: r.low, high: r.high }, scale);
  }
  if (pb.kind === 'corpus' || pt.kind === 'corpus') return undefined;
  if (pb.values.length !== pt.values.length || pb.values.length === 0) return undefined;
  if (pb.kind === 'binary') {
    const m = mcnemar(pb.values, pt.values);
    return { ...scaled({ method: 'mcnemar', n: m.n, delta: m.delta, low: m.low, high: m.high }, scale), pValue: m.pValue, b: m.b, c: m.c };
  }
  const r = bootstrapMeanDifference(pb.values, pt.values, opts);
  return scaled({ method: 'bootstrap', n: r.n, delta: r.delta, low: r.low, high: r.high }, scale);
}

/**
 * Corpus perplexity (or bits per byte) of tuned minus base, recomputed from the sums over the
 * resampled documents.
 */
function corpusDifference(base: readonly RollingScore[], tuned: readonly RollingScore[], statistic: 'perplexity' | 'bits_per_byte') {
  const value = (docs: readonly RollingScore[], idx: Uint32Array): number => {
    let ll = 0;
    let tokens = 0;
    let bytes = 0;
    for (const i of idx) {
      const d = docs[i]!;
      ll += d.loglik;
      tokens += d.tokens;
      bytes += d.bytes;
    }
    const s = fromSums(ll, tokens, bytes);
    return statistic === 'perplexity' ? s.perplexity : s.bitsPerByte;
  };
  return (idx: Uint32Array): number => value(tuned, idx) - value(base, idx);
}

function scaled(p: PairedStat, scale: number): PairedStat {
  return { ...p, delta: p.delta * scale, low: p.low * scale, high: p.high * scale };
}

/** The per-example form of a list of 0/1 outcomes or continuous scores. */
export const binary = (values: number[]): PerExample => ({ kind: 'binary', values });
export const meanOf = (values: number[]): PerExample => ({ kind: 'mean', values });
