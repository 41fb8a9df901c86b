/**
 * Novelty filter for Self-Instruct expansion (Wang et al., 2023, "Self-Instruct"): a new task is kept
 * only when its ROUGE-L F-measure against every task already in the pool is below a threshold (0.7
 * in the paper). An inverted index and the unigram-overlap bound (LCS <= shared unigrams) skip most
 * pairs, so the exact LCS runs only where the bound could reach the threshold.
 */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function lcs(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** ROUGE-L F1 between two token lists. */
export function rougeL(a: readonly string[], b: readonly string[]): number {
  const l = lcs(a, b);
  return l === 0 ? 0 : (2 * l) / (a.length + b.length);
}

export class NoveltyPool {
  private readonly docs: string[][] = [];
  private readonly counts: Array<Map<string, number>> = [];
  private readonly index = new Map<string, number[]>();

  constructor(readonly threshold = 0.7) {}

  get size(): number {
    return this.docs.length;
  }

  /** The highest ROUGE-L against the pool (0 for an empty pool). */
  maxSimilarity(text: string): number {
    const t = tokens(text);
    if (t.length === 0) return 0;
    const mine = countOf(t);
    const seen = new Set<number>();
    let best = 0;
    for (const tok of mine.keys()) {
      for (const d of this.index.get(tok) ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        const other = this.docs[d]!;
        let shared = 0;
        for (const [k, n] of mine) shared += Math.min(n, this.counts[d]!.get(k) ?? 0);
        if ((2 * shared) / (t.length + other.length) <= best) continue;
        best = Math.max(best, rougeL(t, other));
        if (best >= 1) return 1;
      }
    }
    return best;
  }

  check(text: string): { novel: true } | { novel: false; similarity: number } {
    const s = this.maxSimilarity(text);
    return s < this.threshold ? { novel: true } : { novel: false, similarity: s };
  }

  add(text: string): void {
    const t = tokens(text);
    const id = this.docs.length;
    this.docs.push(t);
    const c = countOf(t);
    this.counts.push(c);
    for (const tok of c.keys()) {
      let list = this.index.get(tok);
      if (!list) this.index.set(tok, (list = []));
      list.push(id);
    }
  }
}

function countOf(t: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of t) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
