import { bandHash, estimateJaccard } from './minhash.js';

/** Union-find with path halving and union by size; `find` gives a cluster's root. */
export class UnionFind {
  readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number, from?: { parent: Int32Array; size: Int32Array }) {
    if (from) {
      this.parent = from.parent.slice();
      this.size = from.size.slice();
      return;
    }
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return true;
  }

  clone(): UnionFind {
    return new UnionFind(0, { parent: this.parent, size: this.size });
  }
}

export interface BandLayout {
  permutations: number;
  bands: number;
  rows: number;
}

/**
 * LSH banding without hash tables: per band, the (band hash, member) pairs packed into doubles and
 * sorted, so that equal band hashes sit side by side (the sort-based approach of datatrove's
 * MinhashDedupBuckets). `onGroup` receives each run of two or more members sharing a band.
 */
export async function forEachBucket(
  sigs: Uint32Array,
  members: Int32Array,
  layout: BandLayout,
  onGroup: (group: number[]) => void,
  afterBand?: (band: number) => void,
): Promise<void> {
  const m = members.length;
  if (m < 2) return;
  const idxBits = Math.max(1, Math.ceil(Math.log2(m + 1)));
  const hashBits = Math.min(32, 53 - idxBits);
  const shift = 32 - hashBits;
  const scale = 2 ** idxBits;
  const keys = new Float64Array(m);
  const group: number[] = [];
  for (let band = 0; band < layout.bands; band++) {
    for (let i = 0; i < m; i++) keys[i] = (bandHash(sigs, members[i]!, band, layout.rows, layout.permutations) >>> shift) * scale + i;
    keys.sort();
    let prevHi = -1;
    group.length = 0;
    for (let i = 0; i <= m; i++) {
      const hi = i < m ? Math.floor(keys[i]! / scale) : -2;
      if (hi !== prevHi) {
        if (group.length > 1) onGroup(group);
        group.length = 0;
        prevHi = hi;
      }
      if (i < m) group.push(members[keys[i]! - hi * scale]!);
    }
    // Yield between bands so that heartbeats go out while a large input is clustered.
    afterBand?.(band);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface LinkStats {
  buckets: number;
  comparisons: number;
  links: number;
}

/** How many members of a bucket split's cross-split check compares pairwise (split-step.ts). */
export const FULL_COMPARE_LIMIT = 32;

/**
 * Links the pairs of one bucket (records sharing a band) whose similarity reaches `threshold`: every
 * pair whose records are not yet in one cluster is measured, so the clusters are the connected
 * components of all verified candidate pairs, whatever the order of the bucket's members or of the
 * buckets. A pair already joined is skipped: it would add no edge that changes a component.
 */
export function linkGroup(
  group: readonly number[],
  uf: UnionFind,
  threshold: number,
  similarity: (a: number, b: number) => number,
  stats: LinkStats,
  skip?: (a: number, b: number) => boolean,
): void {
  stats.buckets++;
  for (let j = 1; j < group.length; j++) {
    const b = group[j]!;
    for (let i = 0; i < j; i++) {
      const a = group[i]!;
      if (skip?.(a, b) || uf.find(a) === uf.find(b)) continue;
      stats.comparisons++;
      if (similarity(a, b) >= threshold) {
        uf.union(a, b);
        stats.links++;
      }
    }
  }
}

/**
 * Unions members whose Jaccard similarity reaches `threshold`, looking only at pairs that share an
 * LSH band (linkGroup). `similarity(a, b)` measures a pair (the signatures' estimate unless given:
 * dedup gives the true similarity of the shingle sets). `skip(a, b)` excludes pairs (an index's old
 * entries against each other).
 */
export async function linkNearDuplicates(
  sigs: Uint32Array,
  members: Int32Array,
  layout: BandLayout,
  threshold: number,
  uf: UnionFind,
  skip?: (a: number, b: number) => boolean,
  afterBand?: (band: number) => void,
  similarity: (a: number, b: number) => number = (a, b) => estimateJaccard(sigs, a, b, layout.permutations),
): Promise<LinkStats> {
  const stats: LinkStats = { buckets: 0, comparisons: 0, links: 0 };
  await forEachBucket(sigs, members, layout, (group) => linkGroup(group, uf, threshold, similarity, stats, skip), afterBand);
  return stats;
}
