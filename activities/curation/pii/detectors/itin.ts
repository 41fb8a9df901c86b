import { matchAll, type Detector } from '../types.js';
import { CUE_GAP, cuedValues } from './cued.js';

/**
 * US Individual Taxpayer Identification Numbers: 9XX-GG-SSSS where the group GG is 50-65, 70-88,
 * 90-92 or 94-99 (IRS ranges, as in Presidio's UsItinRecognizer). Dashed or spaced anywhere; a bare
 * 9-digit run only after "ITIN".
 */
const GROUP = '(?:5\\d|6[0-5]|7\\d|8[0-8]|9[0-2]|9[4-9])';
const FORMATTED = new RegExp(`(?<![\\d-])9\\d{2}([- ])${GROUP}\\1\\d{4}(?![\\d-])`, 'g');
const CUE = new RegExp(String.raw`\bITIN${CUE_GAP}`, 'gi');
const BARE = new RegExp(`9\\d{2}${GROUP}\\d{4}(?!\\d)`, 'y');

export const itinDetector: Detector = {
  type: 'itin',
  needs: { digits: 9 },
  quick: (t) => /9\d\d/.test(t),
  find: (t) => [...matchAll(FORMATTED, t, 'itin'), ...cuedValues(t, 'itin', CUE, BARE)],
};
