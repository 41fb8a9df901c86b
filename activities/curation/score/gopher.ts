import { fmix32 } from '../../../core/hash32.js';

/**
 * Gopher quality and repetition statistics (Rae et al. 2021, "Scaling Language Models: Methods,
 * Analysis & Insights from Training Gopher", appendix A.1.1 and table A1), computed as datatrove's
 * GopherQualityFilter / GopherRepetitionFilter do. Thresholds live in score/options.ts.
 */
export interface GopherStats {
  words: number;
  meanWordLength: number;
  symbolToWordRatio: number;
  bulletLineFraction: number;
  ellipsisLineFraction: number;
  alphaWordFraction: number;
  stopWords: number;
  dupLineFraction: number;
  dupLineCharFraction: number;
  dupParagraphFraction: number;
  dupParagraphCharFraction: number;
  /** n -> fraction of characters in the most frequent n-gram (n = 2, 3, 4). */
  topNgramCharFraction: Record<number, number>;
  /** n -> how often that n-gram occurs (1: no n-gram repeats). */
  topNgramCount: Record<number, number>;
  /** n -> fraction of characters in duplicated n-grams (n = 5..10). */
  dupNgramCharFraction: Record<number, number>;
}

const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
const BULLET = /^\s*(?:[•●○▪▫◦‣⁃*-]|\d+[.)])\s/;
const PUNCT_EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function gopherStats(text: string, withRepetition: boolean): GopherStats {
  // The words of text.split(/\s+/), as bounds and hashes in per-thread scratch arrays: no substring
  // is made unless a check needs one (the split and a Map of word ids were half of score's time).
  const m = scanWords(text);
  const { start, end } = scratch;
  let words = 0;
  let totalLen = 0;
  let alpha = 0;
  let stop = 0;
  for (let i = 0; i < m; i++) {
    const s = start[i]!;
    const e = end[i]!;
    if (isAsciiAlnum(text.charCodeAt(s)) && isAsciiAlnum(text.charCodeAt(e - 1))) {
      words++;
      totalLen += e - s;
      if (hasLetter(text, s, e)) alpha++;
      if (e - s <= 4 && mayBeStopWord(text.charCodeAt(s)) && STOP_WORDS.has(text.slice(s, e).toLowerCase())) stop++;
      continue;
    }
    const w = text.slice(s, e).replace(PUNCT_EDGES, '');
    if (w.length === 0) continue;
    words++;
    totalLen += w.length;
    if (hasLetter(w, 0, w.length)) alpha++;
    if (w.length <= 4 && STOP_WORDS.has(w.toLowerCase())) stop++;
  }
  const n = words || 1;
  let symbols = 0;
  if (text.includes('#') || text.includes('...') || text.includes('…')) {
    symbols = (text.match(/#/g)?.length ?? 0) + (text.match(/\.\.\.|…/g)?.length ?? 0);
  }
  const lines = text.includes('\n') ? text.split('\n') : [text];
  const nonEmptyLines = lines.filter((l) => l.trim().length > 0);
  const ln = nonEmptyLines.length || 1;
  const bullets = nonEmptyLines.filter((l) => BULLET.test(l)).length;
  const ellipsis = nonEmptyLines.filter((l) => /(?:\.\.\.|…)\s*$/.test(l)).length;
  const stats: GopherStats = {
    words,
    meanWordLength: words ? totalLen / words : 0,
    symbolToWordRatio: symbols / n,
    bulletLineFraction: bullets / ln,
    ellipsisLineFraction: ellipsis / ln,
    alphaWordFraction: alpha / n,
    stopWords: stop,
    dupLineFraction: 0,
    dupLineCharFraction: 0,
    dupParagraphFraction: 0,
    dupParagraphCharFraction: 0,
    topNgramCharFraction: {},
    topNgramCount: {},
    dupNgramCharFraction: {},
  };
  if (!withRepetition || text.length === 0) return stats;
  const len = text.length;
  const paras = text.includes('\n\n') ? text.trim().split(/\n{2,}/).filter((p) => p.trim().length > 0) : [text];
  const [dupParas, dupParaChars] = duplicates(paras);
  stats.dupParagraphFraction = paras.length ? dupParas / paras.length : 0;
  stats.dupParagraphCharFraction = dupParaChars / len;
  const [dupLines, dupLineChars] = duplicates(nonEmptyLines);
  stats.dupLineFraction = dupLines / ln;
  stats.dupLineCharFraction = dupLineChars / len;

  // n-grams over word hashes; the hashes of k-grams are built from those of (k-1)-grams, so each n
  // costs one pass, updated in place: slot i goes from the (k-1)-gram at i to the k-gram at i.
  const { h1, h2, ha, hb } = scratch;
  for (let i = 0; i < m; i++) {
    ha[i] = Math.imul(0x811c9dc5 ^ h1[i]!, 16777619);
    hb[i] = Math.imul(0x2545f491 + h2[i]!, 0x9e3779b1);
  }
  let noDuplicates = false;
  let topRepeats = true;
  for (let k = 2; k <= 10; k++) {
    if (k >= 5 && noDuplicates) {
      stats.dupNgramCharFraction[k] = 0;
      continue;
    }
    const count = Math.max(0, m - k + 1);
    for (let i = 0; i < count; i++) {
      const b = hb[i]!;
      ha[i] = Math.imul(ha[i]! ^ h1[i + k - 1]!, 16777619);
      hb[i] = Math.imul(b + h2[i + k - 1]!, 0x9e3779b1) ^ (b >>> 15);
    }
    if (k <= 4) {
      let best = count > 0 ? 1 : 0;
      let bestIdx = count > 0 ? 0 : -1;
      // A repeated k-gram contains a repeated (k-1)-gram: with none at k-1 every k-gram occurs once
      // and the first one is the "most common" (as Counter.most_common returns it).
      if (topRepeats) {
        counts.reset(count);
        for (let i = 0; i < count; i++) {
          const c = counts.add(ha[i]!, hb[i]!);
          if (c > best) best = c;
        }
        // Among equally frequent n-grams, Counter.most_common returns the first seen.
        for (let i = 0; i < count; i++) {
          if (counts.get(ha[i]!, hb[i]!) === best) {
            bestIdx = i;
            break;
          }
        }
      }
      // datatrove joins the n-gram's words with spaces and counts the most common one even when it occurs once.
      let chars = k - 1;
      if (bestIdx !== -1) for (let j = bestIdx; j < bestIdx + k; j++) chars += end[j]! - start[j]!;
      stats.topNgramCharFraction[k] = bestIdx !== -1 ? (chars * best) / len : 0;
      stats.topNgramCount[k] = best;
      topRepeats = best > 1;
      if (k === 4 && !topRepeats) noDuplicates = true;
      continue;
    }
    // A duplicated k-gram contains a duplicated 5-gram: with none at 5 there are none above.
    if (noDuplicates) {
      stats.dupNgramCharFraction[k] = 0;
      continue;
    }
    counts.reset(count);
    let repeated = 0;
    let i = 0;
    while (i < count) {
      if (counts.add(ha[i]!, hb[i]!) > 1) {
        for (let j = i; j < i + k; j++) repeated += end[j]! - start[j]!;
        i += k;
      } else i++;
    }
    stats.dupNgramCharFraction[k] = repeated / len;
    if (k === 5 && repeated === 0) noDuplicates = true;
  }
  return stats;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** First letters of the stop words (t, b, o, a, h, w) in either case: most short words need no lookup. */
function mayBeStopWord(c: number): boolean {
  const l = c | 0x20;
  return l === 116 || l === 98 || l === 111 || l === 97 || l === 104 || l === 119;
}

function hasLetter(w: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = w.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return true;
    if (c > 127) return /\p{L}/u.test(w.slice(from, to));
  }
  return false;
}

/** JavaScript's `\s`: WhiteSpace and LineTerminator (ECMA-262), what split(/\s+/) splits on. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Fills the scratch arrays with the bounds of each run of non-space characters and two independent
 * 32-bit hashes of it (equal words, equal hashes; different words collide in both with odds of about
 * 2^-64), and returns how many there are.
 */
function scanWords(text: string): number {
  const n = text.length;
  if (scratch.start.length < (n >> 1) + 1) scratch = newScratch((n >> 1) + 1);
  const { start, end, h1, h2 } = scratch;
  let m = 0;
  let i = 0;
  while (i < n) {
    if (isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i;
    let a = 0x811c9dc5;
    let b = 0x2545f491;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) break;
      a = Math.imul(a ^ c, 16777619);
      b = Math.imul(b + c, 0x9e3779b1);
      b ^= b >>> 15;
    }
    start[m] = s;
    end[m] = i;
    h1[m] = fmix32(a) | 0;
    h2[m] = fmix32(b ^ (i - s)) | 0;
    m++;
  }
  return m;
}

/** datatrove's find_duplicates: how many elements repeat an earlier one, and their characters. */
function duplicates(items: string[]): [number, number] {
  const seen = new Set<string>();
  let dup = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      dup++;
      chars += x.length;
    } else seen.add(x);
  }
  return [dup, chars];
}

interface Scratch {
  start: Int32Array;
  end: Int32Array;
  h1: Int32Array;
  h2: Int32Array;
  ha: Int32Array;
  hb: Int32Array;
}

const newScratch = (size: number): Scratch => ({
  start: new Int32Array(size),
  end: new Int32Array(size),
  h1: new Int32Array(size),
  h2: new Int32Array(size),
  ha: new Int32Array(size),
  hb: new Int32Array(size),
});

/** Per thread (each worker thread has its own module instance); gopherStats is synchronous. */
let scratch = newScratch(1024);

/**
 * Occurrence counts keyed by an n-gram's pair of 32-bit hashes: open addressing over typed arrays,
 * emptied in O(1) by bumping a generation stamp. A Map keyed by one number built from both hashes
 * (over 2^31, so a heap number per lookup) took twice as long; score spends most of its time here.
 */
class PairCounts {
  private mask = 0;
  private ka = new Int32Array(0);
  private kb = new Int32Array(0);
  private count = new Int32Array(0);
  private gen = new Int32Array(0);
  private g = 0;

  constructor() {
    this.allocate(1024);
  }

  private allocate(size: number): void {
    this.mask = size - 1;
    this.ka = new Int32Array(size);
    this.kb = new Int32Array(size);
    this.count = new Int32Array(size);
    this.gen = new Int32Array(size);
    this.g = 0;
  }

  /** Empties the table, sized for `n` keys at a load of at most one half. */
  reset(n: number): void {
    if (n * 2 > this.mask + 1) {
      let size = this.mask + 1;
      while (size < n * 2) size *= 2;
      this.allocate(size);
    }
    // The stamp lives in an Int32Array: before it would wrap (after 2^31 resets, some 200 million
    // responses in one thread), start the stamps over.
    if (this.g === 0x7fffffff) {
      this.gen.fill(0);
      this.g = 0;
    }
    this.g++;
  }

  /** Counts one occurrence; returns the key's count so far. */
  add(a: number, b: number): number {
    let h = (Math.imul(a ^ (b >>> 7), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      if (this.gen[h] !== this.g) {
        this.gen[h] = this.g;
        this.ka[h] = a;
        this.kb[h] = b;
        this.count[h] = 1;
        return 1;
      }
      if (this.ka[h] === a && this.kb[h] === b) return ++this.count[h]!;
      h = (h + 1) & this.mask;
    }
  }

  get(a: number, b: number): number {
    let h = (Math.imul(a ^ (b >>> 7), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      if (this.gen[h] !== this.g) return 0;
      if (this.ka[h] === a && this.kb[h] === b) return this.count[h]!;
      h = (h + 1) & this.mask;
    }
  }
}

/** One table per thread (each worker thread has its own module instance); gopherStats is synchronous. */
const counts = new PairCounts();
