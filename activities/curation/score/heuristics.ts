import { escapeRegExp } from '../../../core/regexp.js';
import { gopherStats, type GopherStats } from './gopher.js';
import type { ScoreOptions } from './options.js';

/** Check codes (stable; they appear in rejects and stats). */
export type HeuristicCheck =
  | 'response_too_short'
  | 'response_too_long'
  | 'gopher_mean_word_length'
  | 'gopher_symbol_ratio'
  | 'gopher_bullet_lines'
  | 'gopher_ellipsis_lines'
  | 'gopher_alpha_words'
  | 'gopher_stop_words'
  | 'gopher_dup_lines'
  | 'gopher_dup_paragraphs'
  | 'gopher_dup_line_chars'
  | 'gopher_dup_paragraph_chars'
  | 'gopher_top_ngram'
  | 'gopher_dup_ngram'
  | 'boilerplate';

/**
 * Runs the heuristic checks on a response; returns the failed check codes. `validated`: a task
 * validator checks this answer's form (a JSON family, an allowed label, Cypher), so its length says
 * nothing: "TLP:RED" and `{"a":1}` are complete answers. Seed 000's 10-character floor is for text.
 */
export function heuristicFailures(response: string, o: ScoreOptions['heuristics'], validated = false): HeuristicCheck[] {
  const failed: HeuristicCheck[] = [];
  if (!validated && response.trim().length < o.minResponseChars) failed.push('response_too_short');
  const prose = response.length >= o.minWordsForProseChecks * 3;
  const s = gopherStats(response, prose);
  if (s.words > o.maxResponseWords) failed.push('response_too_long');
  if (s.words >= o.minWordsForProseChecks) {
    if (s.meanWordLength < o.meanWordLength[0] || s.meanWordLength > o.meanWordLength[1]) failed.push('gopher_mean_word_length');
    if (s.symbolToWordRatio > o.maxSymbolToWordRatio) failed.push('gopher_symbol_ratio');
    if (s.bulletLineFraction > o.maxBulletLineFraction) failed.push('gopher_bullet_lines');
    if (s.ellipsisLineFraction > o.maxEllipsisLineFraction) failed.push('gopher_ellipsis_lines');
    if (s.alphaWordFraction < o.minAlphaWordFraction) failed.push('gopher_alpha_words');
    if (s.stopWords < o.minStopWords) failed.push('gopher_stop_words');
    if (s.dupLineFraction > o.maxDupLineFraction) failed.push('gopher_dup_lines');
    if (s.dupParagraphFraction > o.maxDupParagraphFraction) failed.push('gopher_dup_paragraphs');
    if (s.dupLineCharFraction > o.maxDupLineCharFraction) failed.push('gopher_dup_line_chars');
    if (s.dupParagraphCharFraction > o.maxDupParagraphCharFraction) failed.push('gopher_dup_paragraph_chars');
    if (topNgramRepeatsOver(s, o.maxTopNgramCharFraction)) failed.push('gopher_top_ngram');
    if (anyOver(s.dupNgramCharFraction, o.maxDupNgramCharFraction)) failed.push('gopher_dup_ngram');
  }
  if (o.boilerplate.length > 0 && boilerplateSearch(o.boilerplate).test(response)) failed.push('boilerplate');
  return failed;
}

const boilerplateSearches = new WeakMap<readonly string[], RegExp>();

/**
 * One case-insensitive search for every boilerplate phrase, built once per options list. It takes
 * about half the time of lower-casing each response and searching it once per phrase (issue 23),
 * and it also finds a phrase given with capitals, which a search of the lower-cased text never did.
 */
function boilerplateSearch(phrases: readonly string[]): RegExp {
  let search = boilerplateSearches.get(phrases);
  if (!search) {
    search = new RegExp(phrases.map(escapeRegExp).join('|'), 'i');
    boilerplateSearches.set(phrases, search);
  }
  return search;
}

/**
 * The top n-gram check, counting only an n-gram that occurs more than once. datatrove counts the most
 * frequent n-gram even when it occurs once, which on a web page (Gopher keeps pages of 50+ words) is
 * never near the limit; on a 20-40 word SFT answer one unrepeated 4-gram of long words is (24 of 129
 * characters, over the 0.16 limit, in a hand-labelled good answer of tests/fixtures/quality). A
 * once-seen n-gram is not repetition, which is what the check is for.
 */
function topNgramRepeatsOver(s: GopherStats, limits: Record<string, number>): boolean {
  for (const n in s.topNgramCharFraction) if ((s.topNgramCount[n] ?? 0) > 1 && s.topNgramCharFraction[n]! > (limits[n] ?? Infinity)) return true;
  return false;
}

/** Whether any n's fraction is over its limit (n without a limit never is). A loop, not entries(): it runs per record. */
function anyOver(fractions: Record<number, number>, limits: Record<string, number>): boolean {
  for (const n in fractions) if (fractions[n]! > (limits[n] ?? Infinity)) return true;
  return false;
}
