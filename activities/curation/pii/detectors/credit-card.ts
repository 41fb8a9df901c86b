import { matchAll, type Detector } from '../types.js';
import { luhnValid } from './luhn.js';

// 13-19 digits, optionally grouped by single spaces or dashes.
const CANDIDATE = /(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d])(?![.,]\d)/g;

/** Issuer prefixes (IIN ranges) and lengths of the major networks. */
function issuer(d: string): string | undefined {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p3 = Number(d.slice(0, 3));
  if (d[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((d.startsWith('6011') || d.startsWith('65') || (p3 >= 644 && p3 <= 649)) && n >= 16) return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16) return 'jcb';
  if ((p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) && n >= 14) return 'diners';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12) return 'maestro';
  return undefined;
}

/** Card numbers: the right length for a known issuer prefix and a valid Luhn digit. Order numbers fail one of them. */
export const creditCardDetector: Detector = {
  type: 'credit_card',
  needs: { digitRun: 4 },
  find: (t) =>
    matchAll(CANDIDATE, t, 'credit_card', (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      if (/^(\d)\1+$/.test(digits)) return false;
      const brand = issuer(digits);
      return brand !== undefined && luhnValid(digits) ? brand : false;
    }),
};
