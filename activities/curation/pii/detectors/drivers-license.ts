import type { Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

// US states use 1-19 characters (letters, digits, some dashes); the UK's DVLA number is 16.
const CUE = new RegExp(String.raw`\b(?:driver[’']?s?\s+licen[cs]e|driving\s+licen[cs]e|licen[cs]e\s+(?:number|no\.?|#)|DL\s*#?|F[üu]hrerschein|permis\s+de\s+conduire)${CUE_GAP}`, 'gi');
const VALUE = /(?=[A-Z0-9-]*\d)[A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){4,18}(?![\w-])/iy;

/** Driver's licence numbers: a 5-19 character code with a digit after a licence cue. */
export const driversLicenseDetector: Detector = {
  type: 'drivers_license',
  // Every value holds a digit.
  needs: { cues: ['licence', 'license', 'DL', 'Führerschein', 'Fuhrerschein', 'permis'], digits: 1 },
  find: (t) => cuedValues(t, 'drivers_license', CUE, VALUE),
};
