import { Rng } from '../../generate/rng.js';

/**
 * Paired significance statistics for base vs tuned on the same test examples (Dror et al. 2018,
 * "The Hitchhiker's Guide to Testing Statistical Significance in NLP"): for 0/1 metrics McNemar's
 * exact test (McNemar 1947) with Newcombe's hybrid score interval for the difference of paired
 * proportions (Newcombe 1998, method 10); for everything else a paired percentile bootstrap (Efron
 * 1979) that recomputes the statistic on each resample of example indices. Differences are
 * tuned - base, in the metric's own scale (the caller converts to points).
 */

/** Two-sided 95% intervals: z = Phi^-1(0.975). */
export const CONFIDENCE = 0.95;
const Z = 1.959963984540054;

/** Resamples of the paired bootstrap: 10,000 keeps the Monte Carlo error of a 2.5% quantile small (Efron & Tibshirani 1993, ch. 19). */
export const DEFAULT_RESAMPLES = 10_000;
/** Fixed so that one evaluation always reports the same interval. */
export const DEFAULT_SEED = 20181;

export interface McNemar {
  n: number;
  /** Examples right with tuned and wrong with base. */
  b: number;
  /** Examples wrong with tuned and right with base. */
  c: number;
  /** Tuned rate - base rate = (b - c) / n. */
  delta: number;
  low: number;
  high: number;
  /** Exact two-sided McNemar p: binomial test of b out of b + c at 1/2. */
  pValue: number;
}

/** Two-sided exact binomial p at 1/2: min(1, 2 P(X <= min(k, n-k))), X ~ Bin(n, 1/2), as statsmodels' `mcnemar(exact=True)`. */
export function binomialTwoSidedHalf(k: number, n: number): number {
  if (n === 0) return 1;
  const m = Math.min(k, n - k);
  // Sums in log space: 2^-n underflows past n = 1074.
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/** Wilson's score interval for x successes out of n. */
export function wilson(x: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = x / n;
  const z2 = Z * Z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (Z * Math.sqrt(n * p * (1 - p) + z2 / 4)) / (n + z2);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** McNemar's exact test and Newcombe's method-10 interval on paired 0/1 outcomes. */
export function mcnemar(base: readonly number[], tuned: readonly number[]): McNemar {
  checkPaired(base, tuned);
  let a = 0; // both right
  let b = 0;
  let c = 0;
  let d = 0; // both wrong
  for (let i = 0; i < base.length; i++) {
    const t = tuned[i]! > 0;
    const s = base[i]! > 0;
    if (t && s) a++;
    else if (t) b++;
    else if (s) c++;
    else d++;
  }
  const n = base.length;
  if (n === 0) return { n, b, c, delta: 0, low: 0, high: 0, pValue: 1 };
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const [l1, u1] = wilson(a + b, n);
  const [l2, u2] = wilson(a + c, n);
  // Correlation of the paired outcomes; 0 when a margin is empty (Newcombe 1998, section 3).
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  const phi = margins === 0 ? 0 : (a * d - b * c) / Math.sqrt(margins);
  const delta = p1 - p2;
  const low = delta - Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const high = delta + Math.sqrt(Math.max(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2));
  return { n, b, c, delta, low: Math.max(-1, low), high: Math.min(1, high), pValue: binomialTwoSidedHalf(b, b + c) };
}

export interface Bootstrap {
  n: number;
  delta: number;
  low: number;
  high: number;
  resamples: number;
}

/** The difference a resample of example indices gives; `idx` holds n indices drawn with replacement. */
export type PairedStatistic = (idx: Uint32Array) => number;

/**
 * Paired percentile bootstrap: draws n example indices with replacement (the same indices for both
 * models, which is what makes it paired), recomputes the difference, and takes the 2.5% and 97.5%
 * quantiles (linear interpolation, numpy's default). `statistic` on the identity gives the point estimate.
 */
export function pairedBootstrap(n: number, statistic: PairedStatistic, opts: { resamples?: number; seed?: number } = {}): Bootstrap {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const delta = statistic(all);
  if (n === 0) return { n, delta, low: delta, high: delta, resamples: 0 };
  const rng = new Rng(opts.seed ?? DEFAULT_SEED);
  const draws = new Float64Array(resamples);
  const idx = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng.next() * n);
    draws[r] = statistic(idx);
  }
  draws.sort();
  const alpha = (1 - CONFIDENCE) / 2;
  return { n, delta, low: quantile(draws, alpha), high: quantile(draws, 1 - alpha), resamples };
}

/** Mean of tuned - base per example, bootstrapped. */
export function bootstrapMeanDifference(base: readonly number[], tuned: readonly number[], opts: { resamples?: number; seed?: number } = {}): Bootstrap {
  checkPaired(base, tuned);
  const d = Float64Array.from(tuned, (t, i) => t - base[i]!);
  return pairedBootstrap(d.length, (idx) => {
    let s = 0;
    for (const i of idx) s += d[i]!;
    return idx.length === 0 ? 0 : s / idx.length;
  }, opts);
}

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function checkPaired(base: readonly unknown[], tuned: readonly unknown[]): void {
  if (base.length !== tuned.length) throw new RangeError(`paired values differ in length: base ${base.length}, tuned ${tuned.length}`);
}
