import { fmix32 } from '../../core/hash32.js';
import type { UnionFind } from '../dedup/lsh.js';

export const SPLITS = ['train', 'valid', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];
export const TRAIN = 0;
export const VALID = 1;
export const TEST = 2;

export interface StratumCounts {
  total: number;
  train: number;
  valid: number;
  test: number;
}

/**
 * Assigns whole clusters (near-duplicates, shared group keys) to splits, stratum by stratum. Within a
 * stratum the clusters are shuffled by seed, then the test split is filled first, then valid, the
 * rest is train; quotas are round(ratio x stratum size), so a stratum of singletons gets its exact share.
 * A cluster belongs to the stratum of its earliest record.
 */
export function assignSplits(
  n: number,
  uf: UnionFind,
  stratumOf: Int32Array,
  strata: readonly string[],
  ratios: readonly [number, number, number],
  seed: number,
): { split: Uint8Array; counts: Map<string, StratumCounts>; clusters: { count: number; multi: number; largest: number; mixedStrata: number } } {
  const size = new Int32Array(n);
  const firstOf = new Int32Array(n).fill(-1);
  const mixed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    size[r]!++;
    if (firstOf[r] === -1) firstOf[r] = i;
    else if (stratumOf[firstOf[r]!] !== stratumOf[i]) mixed[r] = 1;
  }
  const roots: number[] = [];
  const stratumSize = new Float64Array(strata.length);
  let multi = 0;
  let largest = 0;
  let mixedStrata = 0;
  for (let i = 0; i < n; i++) {
    if (size[i]! === 0) continue;
    roots.push(i);
    stratumSize[stratumOf[firstOf[i]!]!]! += size[i]!;
    if (size[i]! > 1) multi++;
    if (size[i]! > largest) largest = size[i]!;
    mixedStrata += mixed[i]!;
  }
  const key = (r: number): number => fmix32((seed ^ fmix32(firstOf[r]! + 0x9e3779b9)) >>> 0);
  roots.sort((x, y) => stratumOf[firstOf[x]!]! - stratumOf[firstOf[y]!]! || key(x) - key(y) || firstOf[x]! - firstOf[y]!);

  const rootSplit = new Uint8Array(n);
  const counts = new Map<string, StratumCounts>();
  let s = -1;
  let quotaTest = 0;
  let quotaValid = 0;
  let c: StratumCounts = { total: 0, train: 0, valid: 0, test: 0 };
  for (const r of roots) {
    const st = stratumOf[firstOf[r]!]!;
    if (st !== s) {
      s = st;
      c = { total: stratumSize[st]!, train: 0, valid: 0, test: 0 };
      counts.set(strata[st]!, c);
      quotaTest = Math.round(c.total * ratios[TEST]);
      quotaValid = Math.round(c.total * ratios[VALID]);
    }
    const k = size[r]!;
    if (c.test + k <= quotaTest) {
      rootSplit[r] = TEST;
      c.test += k;
    } else if (c.valid + k <= quotaValid) {
      rootSplit[r] = VALID;
      c.valid += k;
    } else {
      rootSplit[r] = TRAIN;
      c.train += k;
    }
  }
  const split = new Uint8Array(n);
  for (let i = 0; i < n; i++) split[i] = rootSplit[uf.find(i)]!;
  return { split, counts, clusters: { count: roots.length, multi, largest, mixedStrata } };
}
