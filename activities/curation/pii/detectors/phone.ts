import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import type { Detector, Finding } from '../types.js';

// A digit run of 7+ digits that may hold spaces, dots, dashes and parentheses, optionally led by +.
const CANDIDATE = /(?<![\w.])(?:\+|00)?\(?\d[\d ().-]{5,22}\d(?![\w])/g;
const ISBN_CUE = /ISBN(?:-1[03])?:?\s*$/i;

/**
 * Phone numbers in national and international formats, confirmed by libphonenumber-js (Google's
 * libphonenumber metadata, `max` build: validity by number plan). libphonenumber is costly, so a
 * regex first picks digit runs and only those are parsed. Unformatted digit runs without a leading
 * `+` (order numbers, ids) are not taken as phones.
 */
export function phoneDetector(defaultCountry: string | undefined): Detector {
  const country = defaultCountry as CountryCode | undefined;
  return {
    type: 'phone',
    quick: (t) => /\d{3}/.test(t),
    find(text) {
      const out: Finding[] = [];
      CANDIDATE.lastIndex = 0;
      for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
        const cand = m[0];
        const digits = cand.replace(/\D/g, '').length;
        if (digits < 7 || digits > 17) continue;
        if (!/[ ().+-]/.test(cand)) continue;
        if (ISBN_CUE.test(text.slice(Math.max(0, m.index - 10), m.index))) continue;
        for (const f of findPhoneNumbersInText(cand, country ? { defaultCountry: country } : {})) {
          out.push({ type: 'phone', start: m.index + f.startsAt, end: m.index + f.endsAt });
        }
      }
      return out;
    },
  };
}
