import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

// Presidio's US_PASSPORT and the ICAO 9303 document number: up to 9 letters and digits, after a cue word.
const CUE = new RegExp(String.raw`\b(?:passport|reisepass|passeport|pasaporte|passaporto|paspoort)s?\b${CUE_GAP}`, 'gi');
const VALUE = /(?=[A-Z0-9]*\d)[A-Z0-9]{6,9}(?![\w-])/iy;

/** Passport numbers: 6-9 letters and digits (at least one digit) right after "passport (number/no.)". */
export const passportDetector: Detector = {
  type: 'passport',
  // Every value holds a digit; "pass" covers every cue word but "pasaporte" and "paspoort".
  needs: { cues: ['pass', 'pasaporte', 'paspoort'], digits: 1 },
  find: (t) => cuedValues(t, 'passport', CUE, VALUE),
};
