import { matchAll, type Detector } from '../types.js';

// IEEE 802 MAC-48: six hex pairs with one consistent separator, or Cisco's dotted triples.
const MAC = /(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-])(?!\.[0-9A-Fa-f])/g;

export const macDetector: Detector = {
  type: 'mac_address',
  // A match is only kept with a digit in it.
  needs: { digits: 1, chars: ':-.' },
  // Every match holds a separator, two hex digits and the same separator, or a dot, four hex digits and
  // a dot; starting at the separator, the search tries few places in prose (a hex digit starts most words).
  quick: (t) => /[:-][0-9A-Fa-f]{2}[:-]|\.[0-9A-Fa-f]{4}\./.test(t),
  find: (t) => matchAll(MAC, t, 'mac_address', (m) => /[0-9]/.test(m[0])),
};
