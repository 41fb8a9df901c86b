import type { Detector, Finding } from '../types.js';
import { AMBIGUOUS_NAMES, FIRST_NAMES } from './first-names.js';

const CAPITALISED = /\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b/g;
// Relationship prose (seed 004) names people after these: "my husband Bartholomew", "I told Siobhan".
const NAMING = String.raw`\bmy name is|\bnamed|\bcalled|\bI (?:told|asked|texted|messaged|met|married|kissed|hugged|thanked|invited|miss|love)|\b(?:my|her|his|their|our) (?:partner|wife|husband|boyfriend|girlfriend|fianc[eé]e?|spouse|friend|boss|colleague|coworker|sister|brother|mother|father|mom|dad|son|daughter|ex)`;
const CUE_BEFORE = new RegExp(String.raw`(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\.?|\bi am|\bi'm|${NAMING})\s+$`, 'i');
/** A cue that names the next word ("my husband Bartholomew"): an unknown given name counts after it alone. */
/** "Oluwaseun and I argued": a capitalised word paired with I or me is a person. */
const AND_I_AFTER = /^ and (?:I|me)\b/;
const NAMING_BEFORE = new RegExp(String.raw`(?:${NAMING})\s+$`, 'i');
const NOT_SURNAME = new Set(
  'The A An And Or But I He She They We You It This That These Those Is Was Are Were Has Have Had Will Would Can Could Should Said Says Asked Told Thanks Thank Please Yes No Hi Hello Dear Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March July September October November December'.split(' '),
);

/**
 * Person names by pattern and dictionary: a known given name, plus a capitalised surname when one
 * follows. Names that are also ordinary words count only after a cue ("my partner", "Mr.") or
 * with a surname. `extraNames` extends the dictionary (config).
 */
export function personDetector(extraNames: readonly string[] = []): Detector {
  const names = new Set([...FIRST_NAMES, ...extraNames]);
  return {
    type: 'person',
    needs: { upperLower: true },
    find(text) {
      const out: Finding[] = [];
      CAPITALISED.lastIndex = 0;
      for (let m = CAPITALISED.exec(text); m; m = CAPITALISED.exec(text)) {
        const word = m[0];
        const cueBefore = CUE_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index));
        const andI = AND_I_AFTER.test(text.slice(m.index + word.length, m.index + word.length + 10));
        if (!names.has(word) && !cueBefore && !andI) continue;
        let end = m.index + word.length;
        const after = /^ ([A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)(?![\w])/.exec(text.slice(end, end + 40));
        const surname = after && !NOT_SURNAME.has(after[1]!) && !FIRST_NAMES.has(after[1]!) ? after[0] : '';
        if (!names.has(word)) {
          // A cue with an unknown capitalised word: take it with a surname-like follower, a title, or a naming cue.
          const named = (andI || NAMING_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index))) && !NOT_SURNAME.has(word);
          if (!surname && !named && !/(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+$/.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
        } else if (AMBIGUOUS_NAMES.has(word) && !cueBefore && !surname) continue;
        end += surname.length;
        out.push({ type: 'person', start: m.index, end });
        CAPITALISED.lastIndex = end;
      }
      return out;
    },
  };
}
