import { matchAll, type Detector } from '../types.js';
import { cuedValues } from './cued.js';

// Seed 004 (PII Removal Checklist): "Specific workplace names generalized".
const CUE =
  /\b(?:(?:work|worked|working|works)\s+(?:at|for)|employed\s+(?:at|by)|(?:job|position|internship|shift|role|career|boss|manager|colleagues?|coworkers?|co-workers?|team|office)\s+at|intern(?:ing|ed)?\s+at|hired\s+(?:at|by)|(?:quit|left)\s+(?:my\s+job\s+at\s+)?|joined|fired\s+from|laid\s+off\s+(?:from|at|by))\s+(?:the\s+)?/gi;
// An organisation's name: capitalised words (any script), with "&", "of", "and", "de" between them.
// No full stops inside: "joined Stripe. Contoso…" ends at the sentence.
const NAME = /\p{Lu}[\p{L}\d'’&-]*(?:\s+(?:of|and|de|du|der|&|\p{Lu}[\p{L}\d'’&-]*))*(?<!\s|\bof|\band|\bde|\bdu|\bder|&)/uy;
const WITH_SUFFIX = /\b\p{Lu}[\p{L}\d&'’-]*(?:\s+\p{Lu}[\p{L}\d&'’-]*){0,3},?\s+(?:Inc\.?|LLC|Ltd\.?|GmbH|Corp\.?|Corporation|PLC|AG|S\.A\.|SARL|Pty\s+Ltd)(?![\p{L}\d])/gu;
// Capitalised words after a cue that are not organisations ("work at Night", "left Monday").
const NOT_A_PLACE = new Set(['Home', 'Night', 'Nights', 'Weekends', 'Work', 'Christmas', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'I']);

/** Workplace names: a capitalised name after a work cue ("I work at", "my boss at"), or a name with a company suffix. */
export const workplaceDetector: Detector = {
  type: 'workplace',
  // A word of every cue in CUE, and the company suffixes of WITH_SUFFIX.
  needs: {
    cues: ['work', 'employ', 'job', 'position', 'intern', 'shift', 'role', 'career', 'hired', 'boss', 'manager', 'colleague', 'coworker', 'co-worker', 'team', 'office', 'quit', 'left', 'joined', 'fired', 'laid off', 'Inc', 'LLC', 'Ltd', 'GmbH', 'Corp', 'PLC', 'AG', 'S.A.', 'SARL'],
  },
  find: (t) => [...cuedValues(t, 'workplace', CUE, NAME, (v) => !NOT_A_PLACE.has(v)), ...matchAll(WITH_SUFFIX, t, 'workplace')],
};
