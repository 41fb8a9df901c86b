import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

// Presidio's US_PASSPORT and the ICAO 9303 document number: up to 9 letters and digits, after a cue word.
const CUE = new RegExp(String.raw`\b(?:passport|reisepass|passeport|pasaporte|passaporto|paspoort)s?\b${CUE_GAP}`, 'gi');
const VALUE = /(?=[A-Z0-9]*\d)[A-Z0-9]{6,9}(?![\w-])/iy;

/** Passport numbers: 6-9 letters and digits (at least one digit) right after "passport (number/no.)". */
export const passportDetector: Detector = {
  type: 'passport',
  // Every value holds a digit. The cue is the former pre-check's: "pasaporte" and "paspoort" hold no
  // "pass", so those texts are not searched (KNOWN_GAPS in tests/curation/pii-gate.test.ts).
  needs: { cues: ['pass'], digits: 1 },
  find: (t) => cuedValues(t, 'passport', CUE, VALUE),
};
