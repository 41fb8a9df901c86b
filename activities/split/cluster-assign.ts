import type { StepProgress } from '../../core/dsl/step-kind.js';
import { FULL_COMPARE_LIMIT, forEachBucket, linkGroup, UnionFind, type LinkStats } from '../dedup/lsh.js';
import { estimateJaccard, rowsOf, type MinhashParams } from '../dedup/minhash.js';
import { assignSplits, SPLITS, type StratumCounts } from './assign.js';
import type { KeyGatherer } from './gather.js';

export interface ClusterAssignInput {
  keys: Pick<KeyGatherer, 'strata' | 'stratum' | 'groupLinks'>;
  /** Exact keys (two u32) and MinHash signatures of every record, in record order. */
  exact: Uint32Array;
  sigs: Uint32Array;
  params: MinhashParams;
  o: { nearDuplicates: boolean; threshold: number; ratios: readonly [number, number, number]; seed: number };
  heartbeat: (p: StepProgress) => void;
}

export interface ClusterAssignResult {
  /** Per record, its split (assign.ts TRAIN, VALID, TEST). */
  split: Uint8Array;
  clusters: ReturnType<typeof assignSplits>['clusters'];
  crossSplit: { exactDuplicates: number; nearDuplicates: number; groups: number };
  lsh?: LinkStats;
  /** Per stratum (sorted by name), its records and how many went to each split. */
  strata: Record<string, StratumCounts>;
}

/**
 * Split's middle: exact duplicates, near-duplicates and records sharing a group key are unioned
 * into clusters, and whole clusters are assigned (assign.ts). Then every pair of near-duplicates
 * that shares an LSH band is checked again: `crossSplit` counts pairs that ended up in different
 * splits (0 by construction). The one-host step and the sharded one (sharded/assign-shards.ts)
 * both call this on the whole dataset's keys and signatures, so they assign alike.
 */
export async function clusterAndAssign({ keys, exact, sigs, params, o, heartbeat }: ClusterAssignInput): Promise<ClusterAssignResult> {
  const n = keys.stratum.length;
  const P = params.permutations;
  const uf = new UnionFind(n);
  for (const [a, b] of keys.groupLinks) uf.union(a, b);
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
  const onBand = (band: number) => heartbeat({ done: band + 1, total: params.bands, unit: 'bands', message: 'clustering' });
  // The buckets are kept as they are linked (each run: its length, then its members) for the
  // cross-split check below: banding again would sort every member's band hashes a second time,
  // about half of this function's time at a million records (docs/performance.md, issue 23).
  const buckets: number[] = [];
  let lsh: LinkStats | undefined;
  if (o.nearDuplicates) {
    const stats: LinkStats = { buckets: 0, comparisons: 0, links: 0 };
    const similarity = (a: number, b: number) => estimateJaccard(sigs, a, b, P);
    await forEachBucket(sigs, members, layout, (group) => {
      linkGroup(group, uf, o.threshold, similarity, stats);
      buckets.push(group.length);
      for (const member of group) buckets.push(member);
    }, onBand);
    lsh = stats;
  }

  const stratum = Int32Array.from(keys.stratum);
  const { split, counts, clusters } = assignSplits(n, uf, stratum, keys.strata, o.ratios, o.seed);

  // Independent check of what was promised: no exact duplicate, near-duplicate or group crosses splits.
  const crossSplit = { exactDuplicates: 0, nearDuplicates: 0, groups: 0 };
  for (let i = 0; i < n; i++) if (split[i] !== split[firstByKey.get(keyOf(i))!]) crossSplit.exactDuplicates++;
  for (const [a, b] of keys.groupLinks) if (split[a] !== split[b]) crossSplit.groups++;
  for (let at = 0; at < buckets.length; at += buckets[at]! + 1) {
    const limit = Math.min(buckets[at]!, FULL_COMPARE_LIMIT * 2);
    for (let x = 0; x < limit; x++) {
      for (let y = x + 1; y < limit; y++) {
        const a = buckets[at + 1 + x]!;
        const b = buckets[at + 1 + y]!;
        if (split[a] !== split[b] && estimateJaccard(sigs, a, b, P) >= o.threshold) crossSplit.nearDuplicates++;
      }
    }
  }

  // Counted per record (a cluster spanning strata sits wholly in one split).
  const actual = new Map<string, StratumCounts>();
  for (const name of counts.keys()) actual.set(name, { total: 0, train: 0, valid: 0, test: 0 });
  for (let i = 0; i < n; i++) {
    const name = keys.strata[stratum[i]!]!;
    const c = actual.get(name) ?? { total: 0, train: 0, valid: 0, test: 0 };
    c.total++;
    c[SPLITS[split[i]!]!]++;
    actual.set(name, c);
  }
  const strata = Object.fromEntries([...actual].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { split, clusters, crossSplit, ...(lsh ? { lsh } : {}), strata };
}
