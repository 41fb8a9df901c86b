import { matchAll, type Detector } from '../types.js';

/**
 * US Social Security numbers in the dashed (or spaced) AAA-GG-SSSS form. The SSA never issues area
 * 000, 666 or 900-999, group 00 or serial 0000; those are rejected, as are bare 9-digit runs
 * (order numbers, zip+4).
 */
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;

export const ssnDetector: Detector = {
  type: 'ssn',
  needs: { digits: 9, digitRun: 4 },
  quick: (t) => /\d{3}[- ]\d{2}[- ]\d{4}/.test(t),
  find: (t) => matchAll(SSN, t, 'ssn'),
};
