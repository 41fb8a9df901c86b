import type { Contamination } from './result.js';

/**
 * Train/test contamination by word n-gram overlap, as GPT-3 (Brown et al. 2020, appendix C) and
 * lm-evaluation-harness's decontamination do: lowercase, split on anything that is not a letter
 * or a digit, slide a window of `n` words (13 by default), and call a test example contaminated
 * when any of its n-grams occurs in the training data. n-grams never cross a field: each string
 * field of a record (at any depth) is its own text, so that "### Input" headers or neighbouring
 * fields cannot make an overlap that is in neither.
 */
export const DEFAULT_NGRAM = 13;

export function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/** Hashes of the record's n-grams (53-bit: a Set of numbers holds a large training set in a fraction of the memory of strings). */
export function ngramHashes(record: unknown, n: number): Set<number> {
  const out = new Set<number>();
  for (const text of strings(record)) {
    const w = words(text);
    for (let i = 0; i + n <= w.length; i++) out.add(cyrb53(w.slice(i, i + n).join(' ')));
  }
  return out;
}

/** The overlap index: every n-gram of the training records. */
export class NgramIndex {
  private readonly seen = new Set<number>();

  constructor(readonly n: number = DEFAULT_NGRAM) {}

  add(record: unknown): void {
    for (const h of ngramHashes(record, this.n)) this.seen.add(h);
  }

  get size(): number {
    return this.seen.size;
  }

  /** Counts contaminated test records and the distinct test n-grams the training data holds. */
  check(testRecords: Iterable<unknown>): Contamination {
    let testExamples = 0;
    let contaminated = 0;
    let tooShort = 0;
    const overlapping = new Set<number>();
    for (const r of testRecords) {
      testExamples++;
      const grams = ngramHashes(r, this.n);
      if (grams.size === 0) tooShort++;
      let hit = false;
      for (const g of grams) {
        if (this.seen.has(g)) {
          hit = true;
          overlapping.add(g);
        }
      }
      if (hit) contaminated++;
    }
    return { n: this.n, testExamples, contaminated, share: testExamples === 0 ? 0 : contaminated / testExamples, trainNgrams: this.seen.size, overlapping: overlapping.size, tooShort };
  }
}

function* strings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) yield* strings(x);
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash; collisions are negligible at millions of n-grams. */
function cyrb53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
