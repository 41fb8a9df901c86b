import type { Finding, PiiType } from '../types.js';

/**
 * What may stand between a cue and its value: "number", "no.", "#", "is", ":", "=", quotes.
 * ("passport number: X", "user_id = 'u48213'", "DOB is 03/14/1987").
 */
// The words end at a word boundary: "born on November" must not read "No" as "number".
export const CUE_GAP = String.raw`(?:\s*(?:(?:number|num|no|nr|is|was|id|of)\b\.?|#|:|=|-|–)\s*){0,3}\s*["'\x60]?`;

/**
 * Values found after a cue: `cue` (global, usually case-insensitive) is searched first, then
 * `value` (sticky, so case-sensitive when the value's shape needs capitals) right where the cue
 * ends. Such identifiers (passport, licence, account numbers) look like any other code without
 * the word before them, which is what keeps order numbers and versions out.
 */
export function cuedValues(text: string, type: PiiType, cue: RegExp, value: RegExp, accept?: (v: string) => boolean, subtype?: string): Finding[] {
  const out: Finding[] = [];
  cue.lastIndex = 0;
  for (let m = cue.exec(text); m; m = cue.exec(text)) {
    value.lastIndex = m.index + m[0].length;
    const v = value.exec(text);
    if (!v || (accept && !accept(v[0]))) continue;
    const f: Finding = { type, start: v.index, end: v.index + v[0].length };
    if (subtype) f.subtype = subtype;
    out.push(f);
    cue.lastIndex = f.end;
  }
  return out;
}
