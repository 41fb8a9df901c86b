import { createHmac } from 'node:crypto';
import type { PiiType } from './types.js';

const FIRST = 'Alex Blake Casey Drew Emery Finley Gray Harley Indy Jules Kai Lane Micah Noel Oakley Parker Reese Sage Tatum Val Wren Yael Zion Ariel Bailey Cameron Dakota Eden Frankie Hayden'.split(' ');
const LAST = 'Abbott Barlow Carver Dalton Ellis Fenwick Garland Hollis Ingram Jarvis Keller Lowell Marsh Norwood Oakes Pruitt Quimby Radley Sutton Thorne Upton Vance Whitley Yardley Zeller Ashby Brennan Colby Darrow Everly'.split(' ');
const STREETS = 'Maple Cedar Willow Birch Aspen Juniper Laurel Hawthorn Alder Linden'.split(' ');

/** Keyed hash of a value: the same value and salt always give the same digest, across threads and runs. */
export function keyedDigest(salt: string, type: PiiType, value: string): Buffer {
  return createHmac('sha256', salt).update(type).update('\0').update(value).digest();
}

/** A consistent fake of the same type: the same value always maps to the same fake within a salt. */
export function pseudonym(type: PiiType, d: Buffer): string {
  const n = (i: number) => d.readUInt32BE(i);
  const hex = d.toString('hex');
  switch (type) {
    case 'person':
      return `${FIRST[n(0) % FIRST.length]} ${LAST[n(4) % LAST.length]}`;
    case 'email':
      return `${FIRST[n(0) % FIRST.length]!.toLowerCase()}.${hex.slice(8, 14)}@example.com`;
    case 'phone':
      return `+1-555-01${String(n(0) % 100).padStart(2, '0')}-${String(n(4) % 10000).padStart(4, '0')}`;
    case 'ipv4':
      return `10.${d[0]}.${d[1]}.${d[2]}`;
    case 'ipv6':
      return `fd00::${hex.slice(0, 4)}:${hex.slice(4, 8)}`;
    case 'mac_address':
      return `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
    case 'street_address':
      return `${(n(0) % 9000) + 100} ${STREETS[n(4) % STREETS.length]} Street`;
    default:
      return `${type.toUpperCase()}_${hex.slice(0, 10)}`;
  }
}
