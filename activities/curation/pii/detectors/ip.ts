import { isIPv6 } from 'node:net';
import { matchAll, type Detector } from '../types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const VERSION_CUE = /(?:\bv|version|release|\bver\.?|build)\s*$/i;

/** Dotted quads; a quad right after `v`, `version`, `release` or `build` is a version string, not an address. */
export const ipv4Detector: Detector = {
  type: 'ipv4',
  needs: { digits: 4, chars: '.' },
  quick: (t) => /\d\.\d+\.\d+\.\d/.test(t),
  find: (t) => matchAll(IPV4, t, 'ipv4', (m) => !VERSION_CUE.test(t.slice(Math.max(0, m.index - 12), m.index))),
};

const IPV6_CANDIDATE = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})(?:%[\w]+)?(?![\w:]|\.\d)/g;

/** IPv6 candidates confirmed by Node's own parser; clock times (12:30:45) and MAC addresses fail it. */
export const ipv6Detector: Detector = {
  type: 'ipv6',
  needs: { chars: ':' },
  find: (t) =>
    matchAll(IPV6_CANDIDATE, t, 'ipv6', (m) => {
      const v = m[0];
      const groups = v.split(':').filter((g) => g.length > 0).length;
      return groups >= 2 && /[0-9A-Fa-f]/.test(v) && isIPv6(v.replace(/%.*$/, ''));
    }),
};
