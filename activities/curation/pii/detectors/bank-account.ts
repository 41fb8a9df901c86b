import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

// Presidio's US_BANK_NUMBER: 8-17 digits; here 6-17, grouped by single spaces or dashes, after a banking cue.
const CUE = new RegExp(
  String.raw`\b(?:bank\s+account|checking(?:\s+account)?|savings(?:\s+account)?|routing|account\s+(?:number|no\.?|nr\.?)|acct\.?|a/c|sort\s+code|Kontonummer|num[ée]ro\s+de\s+compte)${CUE_GAP}`,
  'gi',
);
const VALUE = /\d(?:[ -]?\d){5,16}(?![\w-])/y;

/** Bank account (and routing, sort code) numbers: digits after a banking cue. */
export const bankAccountDetector: Detector = {
  type: 'bank_account',
  // VALUE holds at least six digits, grouped or not (a sort code written 20-00-00 has no three in a row).
  needs: { cues: ['account', 'acct', 'a/c', 'checking', 'savings', 'routing', 'sort code', 'konto', 'compte'], digits: 6 },
  find: (t) => cuedValues(t, 'bank_account', CUE, VALUE),
};
