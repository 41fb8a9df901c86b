import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DATE = new RegExp(
  [
    '\\d{4}-\\d{1,2}-\\d{1,2}',
    '\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})',
    `${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}`,
    `\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4}`,
  ]
    .map((d) => `(?:${d})`)
    .join('|') + '(?![\\d/.-]\\d)',
  'iy',
);
const CUE = new RegExp(
  String.raw`\b(?:(?:was\s+)?born(?:\s+on)?|date\s+of\s+birth|birth\s*date|birthday|DOB|d\.o\.b\.?|geboren(?:\s+am)?|n[ée]e?\s+le|fecha\s+de\s+nacimiento)${CUE_GAP}`,
  'gi',
);

/**
 * Dates of birth: a date right after a birth cue ("born on", "DOB:", "date of birth"). Other dates
 * (log timestamps, release dates) are not personal and stay.
 */
export const dateOfBirthDetector: Detector = {
  type: 'date_of_birth',
  // Every date holds a digit. The cues are the former pre-check's: "née  le" with two spaces is not
  // searched (KNOWN_GAPS in tests/curation/pii-gate.test.ts).
  needs: { cues: ['born', 'birth', 'DOB', 'd.o.b', 'geboren', 'ne le', 'nee le', 'né le', 'née le', 'nacimiento'], digits: 1 },
  find: (t) => cuedValues(t, 'date_of_birth', CUE, DATE),
};
