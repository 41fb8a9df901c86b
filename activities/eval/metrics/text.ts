/**
 * Text metrics: normalised exact match and ROUGE-L.
 *
 * `squad` normalisation is SQuAD v1.1's `normalize_answer` (lower case, drop punctuation, drop the
 * articles a/an/the, collapse whitespace), as lm-evaluation-harness and HELM use for exact match.
 * `basic` keeps punctuation (it matters in code, Cypher and JSON): trim, collapse whitespace, lower
 * case, drop one trailing period. `json` compares the canonical form (sorted keys, no whitespace)
 * when both sides parse as JSON, and falls back to `basic` otherwise.
 */

import { canonicalJson } from '../../../core/cache/canonical.js';
export type Normalisation = 'squad' | 'basic' | 'json' | 'none';

export function normaliseSquad(s: string): string {
  return s
    .toLowerCase()
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '') // Python's string.punctuation
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function normaliseBasic(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase().replace(/\.$/, '');
}


function tryJson(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

export function normalise(s: string, how: Normalisation): string {
  switch (how) {
    case 'none':
      return s;
    case 'squad':
      return normaliseSquad(s);
    case 'basic':
      return normaliseBasic(s);
    case 'json': {
      const j = tryJson(s.trim());
      return j.ok ? canonicalJson(j.value) : normaliseBasic(s);
    }
  }
}

/** 1 when prediction and reference are equal after normalisation, else 0. */
export function exactMatch(prediction: string, reference: string, how: Normalisation = 'basic'): number {
  return normalise(prediction, how) === normalise(reference, how) ? 1 : 0;
}

/**
 * Tokenisation of Google's `rouge_score` (the reference implementation): lower case, every run of
 * characters other than a-z0-9 is a separator. No stemming (rouge_score's default `use_stemmer=False`).
 */
export function rougeTokens(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
}

/** Length of the longest common subsequence, in O(n*m) time and O(min(n, m)) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** ROUGE-L (Lin, 2004) on `rouge_score`'s tokens; the F-measure is the usual summary. */
export function rougeL(prediction: string, reference: string): RougeScore {
  const p = rougeTokens(prediction);
  const r = rougeTokens(reference);
  if (p.length === 0 || r.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const lcs = lcsLength(p, r);
  const precision = lcs / p.length;
  const recall = lcs / r.length;
  const f1 = lcs === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Evaluation compares JSON answers in the one canonical form the step cache also keys on. */
export { canonicalJson };
