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
  /** n -> fraction of characters in duplicated n-grams (n = 5..10). */
  dupNgramCharFraction: Record<number, number>;
}

const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
const BULLET = /^\s*(?:[•●○▪▫◦‣⁃*-]|\d+[.)])\s/;
const PUNCT_EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export function gopherStats(text: string, withRepetition: boolean): GopherStats {
  const rawWords = text.split(/\s+/).filter((w) => w.length > 0);
  const words = rawWords.map((w) => w.replace(PUNCT_EDGES, '')).filter((w) => w.length > 0);
  const n = words.length || 1;
  let totalLen = 0;
  let alpha = 0;
  let stop = 0;
  for (const w of words) {
    totalLen += w.length;
    if (/\p{L}/u.test(w)) alpha++;
    if (STOP_WORDS.has(w.toLowerCase())) stop++;
  }
  const symbols = (text.match(/#/g)?.length ?? 0) + (text.match(/\.\.\.|…/g)?.length ?? 0);
  const lines = text.split('\n');
  const nonEmptyLines = lines.filter((l) => l.trim().length > 0);
  const ln = nonEmptyLines.length || 1;
  const bullets = nonEmptyLines.filter((l) => BULLET.test(l)).length;
  const ellipsis = nonEmptyLines.filter((l) => /(?:\.\.\.|…)\s*$/.test(l)).length;
  const stats: GopherStats = {
    words: words.length,
    meanWordLength: words.length ? totalLen / words.length : 0,
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
    dupNgramCharFraction: {},
  };
  if (!withRepetition || text.length === 0) return stats;
  const len = text.length;
  const paras = text.trim().split(/\n{2,}/).filter((p) => p.trim().length > 0);
  const [dupParas, dupParaChars] = duplicates(paras);
  stats.dupParagraphFraction = paras.length ? dupParas / paras.length : 0;
  stats.dupParagraphCharFraction = dupParaChars / len;
  const [dupLines, dupLineChars] = duplicates(nonEmptyLines);
  stats.dupLineFraction = dupLines / ln;
  stats.dupLineCharFraction = dupLineChars / len;

  // n-grams over word ids, keyed by a rolling numeric hash (collisions are negligible at these sizes).
  const ids = new Map<string, number>();
  const seq = rawWords.map((w) => {
    let id = ids.get(w);
    if (id === undefined) ids.set(w, (id = ids.size + 1));
    return id;
  });
  const wlen = rawWords.map((w) => w.length);
  for (const k of [2, 3, 4]) {
    const counts = new Map<number, number>();
    let best = 0;
    let bestKey = -1;
    let bestIdx = 0;
    for (let i = 0; i + k <= seq.length; i++) {
      const key = ngramKey(seq, i, k);
      const c = (counts.get(key) ?? 0) + 1;
      counts.set(key, c);
      if (c > best) {
        best = c;
        bestKey = key;
        bestIdx = i;
      }
    }
    // datatrove joins the n-gram's words with spaces and counts the most common one even when it occurs once.
    let chars = k - 1;
    if (bestKey !== -1) for (let j = bestIdx; j < bestIdx + k; j++) chars += wlen[j]!;
    stats.topNgramCharFraction[k] = bestKey !== -1 ? (chars * best) / len : 0;
  }
  for (let k = 5; k <= 10; k++) {
    const seen = new Set<number>();
    let repeated = 0;
    let i = 0;
    while (i + k <= seq.length) {
      const key = ngramKey(seq, i, k);
      if (seen.has(key)) {
        for (let j = i; j < i + k; j++) repeated += wlen[j]!;
        i += k;
      } else {
        seen.add(key);
        i++;
      }
    }
    stats.dupNgramCharFraction[k] = repeated / len;
  }
  return stats;
}

function ngramKey(seq: number[], i: number, k: number): number {
  // Two 32-bit mixes folded into a 53-bit integer key.
  let a = 0x811c9dc5 | 0;
  let b = 0x2545f491 | 0;
  for (let j = i; j < i + k; j++) {
    a = Math.imul(a ^ seq[j]!, 16777619);
    b = Math.imul(b + seq[j]!, 0x9e3779b1) ^ (b >>> 15);
  }
  return (a >>> 0) * 2097152 + ((b >>> 0) & 0x1fffff);
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
