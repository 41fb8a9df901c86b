/**
 * GSM8K answer extraction and scoring exactly as lm-evaluation-harness's `gsm8k` task
 * (lm_eval/tasks/gsm8k/gsm8k.yaml):
 *
 * - `strict-match`: regex `#### (\-?[0-9\.\,]+)`, first match, else `[invalid]`;
 * - `flexible-extract`: regex `(-?[$0-9.,]{2,})|(-?[0-9]+)`, the LAST match (`group_select: -1`),
 *   the first non-empty group of it, else `[invalid]`;
 * - `exact_match` with `ignore_case: true` and `regexes_to_ignore: [",", "\$", "(?s).*#### ", "\.$"]`,
 *   applied to both the extracted answer and the reference (`answer` field, `... #### 72`).
 */
export const INVALID = '[invalid]';

const STRICT = /#### (-?[0-9.,]+)/g;
const FLEXIBLE = /(-?[$0-9.,]{2,})|(-?[0-9]+)/g;
const IGNORE: readonly RegExp[] = [/,/g, /\$/g, /[\s\S]*#### /g, /\.$/g];

/** lm-eval's RegexFilter: findall, pick the match at `groupSelect` (negative counts from the end). */
export function regexExtract(text: string, pattern: RegExp, groupSelect = 0): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return INVALID;
  const m = matches[groupSelect < 0 ? matches.length + groupSelect : groupSelect];
  if (!m) return INVALID;
  // findall returns the group (one group) or the tuple of groups (several): take the first non-empty.
  const groups = m.length > 1 ? m.slice(1).filter((g) => g !== undefined && g !== '') : [m[0]];
  return groups.length > 0 ? groups[0]!.trim() : INVALID;
}

export function extractStrict(generation: string): string {
  return regexExtract(generation, STRICT, 0);
}

export function extractFlexible(generation: string): string {
  return regexExtract(generation, FLEXIBLE, -1);
}

/** Applies `regexes_to_ignore` then lower-cases, as Hugging Face `evaluate`'s exact_match does. */
export function gsm8kClean(s: string): string {
  let out = s;
  for (const re of IGNORE) out = out.replace(re, '');
  return out.toLowerCase();
}

export function gsm8kExactMatch(extracted: string, referenceAnswer: string): number {
  return gsm8kClean(extracted) === gsm8kClean(referenceAnswer) ? 1 : 0;
}

export interface Gsm8kScore {
  strict: number;
  flexible: number;
  strictAnswer: string;
  flexibleAnswer: string;
}

export function scoreGsm8k(generation: string, referenceAnswer: string): Gsm8kScore {
  const strictAnswer = extractStrict(generation);
  const flexibleAnswer = extractFlexible(generation);
  return {
    strict: gsm8kExactMatch(strictAnswer, referenceAnswer),
    flexible: gsm8kExactMatch(flexibleAnswer, referenceAnswer),
    strictAnswer,
    flexibleAnswer,
  };
}
