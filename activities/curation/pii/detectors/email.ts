import { matchAll, type Detector } from '../types.js';

// RFC 5322's common subset: a dotted local part and a domain with a 2+ letter TLD.
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

export const emailDetector: Detector = {
  type: 'email',
  needs: { chars: '@' },
  find: (t) => matchAll(EMAIL, t, 'email'),
};
