import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

// Seed 004 (PII Removal Checklist): "User IDs replaced with random tokens".
const CUE = new RegExp(
  String.raw`\b(?:user(?:[\s_-]?(?:id|name))|userid|username|uid|login|handle|account(?:[\s_-]?(?:id|#))|(?:customer|member|membership|client|player|profile|patient|employee|subscriber|loyalty)(?:[\s_-]?(?:id|number|no\.?|#))|ticket[\s_-]?id)${CUE_GAP}`,
  'gi',
);
const CUE_WORDS = ['user', 'uid', 'login', 'handle', 'account', 'customer', 'member', 'client', 'player', 'profile', 'patient', 'employee', 'subscriber', 'loyalty', 'ticket'];
// A token with at least one digit (u48213, ACC-0091823, jsmith88) or an @handle.
const VALUE = /@[A-Za-z0-9_.]{2,40}(?<!\.)|(?=[A-Za-z0-9._-]*\d)[A-Za-z0-9][A-Za-z0-9._-]{2,40}(?<![._-])(?![\w-])/y;

/**
 * User and account ids after an id cue ("user ID", "customer #", "username"). The value needs a digit
 * or an @: identifiers in code (`user_id = row`) and plain words are not ids.
 */
export const accountIdDetector: Detector = {
  type: 'account_id',
  // A value holds a digit or an @.
  needs: [
    { cues: CUE_WORDS, digits: 1 },
    { cues: CUE_WORDS, chars: '@' },
  ],
  find: (t) => cuedValues(t, 'account_id', CUE, VALUE),
};
