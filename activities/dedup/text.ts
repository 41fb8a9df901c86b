/**
 * What text a record is compared by, and the normal form duplicates are judged on. Shared by the
 * dedup and split stages (split unions near-duplicates the same way dedup finds them).
 */
import { getPath } from '../../core/json/get-path.js';

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(stringify).join('\n');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // chat messages: compare by what was said, not by the JSON around it
    if (typeof o.content === 'string') return o.content;
    return JSON.stringify(v);
  }
  return String(v);
}

/** Fields compared when none are configured, per record format (instruction, chat, completion, preference, task). */
const AUTO_FIELDS: readonly (readonly string[])[] = [
  ['instruction', 'input', 'output'],
  ['messages'],
  ['prompt', 'chosen'],
  ['text'],
  ['task', 'input', 'output'],
];

const IGNORED = new Set(['id', 'format', 'metadata', 'provenance', 'quality', 'bucket', 'split']);

/** The text a record is compared by: the configured fields joined, or the fields of its format. */
export function recordText(record: Record<string, unknown>, fields: readonly string[] | undefined): string {
  if (fields && fields.length > 0) return fields.map((f) => stringify(getPath(record, f))).join('\n');
  for (const set of AUTO_FIELDS) {
    if (set.some((f) => record[f] !== undefined) && record[set[0]!] !== undefined) return set.map((f) => stringify(record[f])).join('\n');
  }
  return Object.keys(record)
    .filter((k) => !IGNORED.has(k))
    .sort()
    .map((k) => stringify(record[k]))
    .join('\n');
}

export interface NormalizeOptions {
  nfkc: boolean;
  lowercase: boolean;
  punctuation: boolean;
  whitespace: boolean;
}

const PUNCT = /[\p{P}\p{S}]+/gu;
// Runs of two or more, or one whitespace character other than a space: a lone space is already
// its own normal form, and leaving it unmatched halves the regex's work on ordinary prose.
const SPACE = /\s{2,}|[^\S ]/g;

/**
 * The normal form exact and near duplicates are judged on: Unicode NFKC, case folded, punctuation
 * and symbols removed, whitespace collapsed (the normalisation of text-dedup and datatrove's
 * `simplify_text`).
 */
export function normalizeText(text: string, o: NormalizeOptions): string {
  let t = o.nfkc ? text.normalize('NFKC') : text;
  if (o.lowercase) t = t.toLowerCase();
  if (o.punctuation) t = t.replace(PUNCT, ' ');
  if (o.whitespace) t = t.replace(SPACE, ' ').trim();
  return t;
}
