import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { matchAll, type Detector, type Finding } from '../types.js';

// A digit run of 7+ digits that may hold spaces, dots, dashes and parentheses, optionally led by +.
const CANDIDATE = /(?<![\w.])(?:\+|00)?\(?\d[\d ().-]{5,22}\d(?![\w])/g;
// Log timestamps ("2024-01-15 10:30:45") parse as numbers: an ISO date inside, or a clock time right after, is no phone.
// An IPv4 address is the ip detector's, never a phone.
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const DATE_OR_TIME = /\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/;
const ISBN_CUE = /ISBN(?:-1[03])?:?\s*$/i;
/**
 * North American numbers as people write them, `(874) 336-8489`, `632.502.1968`, `874 336 8489`:
 * NXX-NXX-XXXX with one consistent separator. libphonenumber refuses area codes that are not yet
 * assigned (632, 874); a scrubber errs toward recall, so the shape alone is enough here.
 */
const NANP = /(?<![\w.+-])(?:\+?1[-. ]?)?(?:\([2-9]\d{2}\)\s?[2-9]\d{2}[-. ]\d{4}|[2-9]\d{2}([-. ])[2-9]\d{2}\1\d{4})(?![\w-]|[.:]\d)/g;

/**
 * Phone numbers in national and international formats, confirmed by libphonenumber-js (Google's
 * libphonenumber metadata, `max` build: validity by number plan). libphonenumber is costly, so a
 * regex first picks digit runs and only those are parsed. Unformatted digit runs without a leading
 * `+` (order numbers, ids) are not taken as phones.
 * A NANP-shaped number that libphonenumber already confirmed is not reported twice.
 */
export function phoneDetector(defaultCountry: string | undefined): Detector {
  const country = defaultCountry as CountryCode | undefined;
  return {
    type: 'phone',
    // Every candidate holds seven digits; the quick test also wants them close together, with separators
    // between any of them ("+33 1 42 68 49 25" has no three in a row).
    needs: { digits: 7 },
    quick: (t) => /\d(?:[ ().-]{0,2}\d){6}/.test(t),
    find(text) {
      const out: Finding[] = [];
      CANDIDATE.lastIndex = 0;
      for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
        const cand = m[0];
        const digits = cand.replace(/\D/g, '').length;
        if (digits < 7 || digits > 17) continue;
        if (!/[ ().+-]/.test(cand)) continue;
        if (DATE_OR_TIME.test(cand) || DOTTED_QUAD.test(cand) || text[m.index + cand.length] === ':') continue;
        if (ISBN_CUE.test(text.slice(Math.max(0, m.index - 10), m.index))) continue;
        for (const f of findPhoneNumbersInText(cand, country ? { defaultCountry: country } : {})) {
          out.push({ type: 'phone', start: m.index + f.startsAt, end: m.index + f.endsAt });
        }
      }
      const confirmed = out.length;
      for (const f of matchAll(NANP, text, 'phone')) if (!out.slice(0, confirmed).some((o) => o.start < f.end && f.start < o.end)) out.push(f);
      return out;
    },
  };
}
