import { accountIdDetector } from './detectors/account-id.js';
import { bankAccountDetector } from './detectors/bank-account.js';
import { creditCardDetector } from './detectors/credit-card.js';
import { cryptoWalletDetector } from './detectors/crypto-wallet.js';
import { dateOfBirthDetector } from './detectors/date-of-birth.js';
import { driversLicenseDetector } from './detectors/drivers-license.js';
import { emailDetector } from './detectors/email.js';
import { ibanDetector } from './detectors/iban.js';
import { ipv4Detector, ipv6Detector } from './detectors/ip.js';
import { itinDetector } from './detectors/itin.js';
import { macDetector } from './detectors/mac.js';
import { passportDetector } from './detectors/passport.js';
import { personDetector } from './detectors/person.js';
import { phoneDetector } from './detectors/phone.js';
import { secretsDetector } from './detectors/secrets.js';
import { ssnDetector } from './detectors/ssn.js';
import { streetAddressDetector } from './detectors/street-address.js';
import { workplaceDetector } from './detectors/workplace.js';
import { createGate } from './gate.js';
import type { PiiOptions } from './options.js';
import type { Detector, Finding, PiiType } from './types.js';

/**
 * When two findings overlap, the earlier type in this list wins (then the longer one): checksummed
 * and vendor formats first, then cue-bound identifiers, then shapes, then names.
 */
const PRIORITY: PiiType[] = [
  'crypto_wallet', 'secret', 'email', 'credit_card', 'iban', 'ssn', 'itin', 'bank_account', 'passport', 'drivers_license', 'phone',
  'account_id', 'date_of_birth', 'ipv6', 'mac_address', 'ipv4', 'street_address', 'workplace', 'person',
];
/** Types whose detectors are pattern or cue guesses and must not touch Cypher statements. */
const WEAK_IN_CYPHER = new Set<PiiType>([
  'person', 'street_address', 'phone', 'ipv4', 'ssn', 'itin', 'passport', 'drivers_license', 'bank_account', 'date_of_birth', 'workplace', 'account_id',
]);
// A statement ends at a newline, a semicolon, a backtick, or a full stop that ends the sentence around
// it: prose after `… RETURN u.name.` on the same line is scanned like any other prose.
const CYPHER = /\b(?:OPTIONAL\s+MATCH|MATCH|MERGE|CREATE|UNWIND|CALL|WITH)\b[^\n]*?\b(?:RETURN|SET|DELETE|YIELD|REMOVE|MERGE|CREATE)\b[^\n;`]*?(?=\.\s|\.?$|[\n;`])/g;

export interface Scanner {
  /** `extra`: findings of asynchronous detectors (the NER model), filtered and merged like the others. */
  scan(text: string, types: ReadonlySet<PiiType>, extra?: readonly Finding[]): Finding[];
}

/** The detectors `options` asks for, in PRIORITY order. */
export function createDetectors(options: PiiOptions): Detector[] {
  const all: Record<PiiType, Detector> = {
    email: emailDetector,
    phone: phoneDetector(options.defaultCountry),
    credit_card: creditCardDetector,
    iban: ibanDetector,
    ssn: ssnDetector,
    ipv4: ipv4Detector,
    ipv6: ipv6Detector,
    mac_address: macDetector,
    street_address: streetAddressDetector,
    person: personDetector(options.personNames),
    secret: secretsDetector({ highEntropy: options.highEntropy, minEntropy: options.minEntropy }),
    itin: itinDetector,
    passport: passportDetector,
    drivers_license: driversLicenseDetector,
    bank_account: bankAccountDetector,
    crypto_wallet: cryptoWalletDetector,
    date_of_birth: dateOfBirthDetector,
    workplace: workplaceDetector,
    account_id: accountIdDetector,
  };
  return PRIORITY.filter((t) => options.types.includes(t)).map((t) => all[t]);
}

export function createScanner(options: PiiOptions): Scanner {
  const detectors = createDetectors(options);
  const gate = createGate(detectors);
  const allow = new Set(options.allow.map((a) => a.toLowerCase()));
  const allowRes = options.allowPatterns.map((p) => new RegExp(`^(?:${p})$`, 'i'));
  const rank = (t: PiiType) => PRIORITY.indexOf(t);

  return {
    scan(text, types, extra = []) {
      const found: Finding[] = [];
      let cypher: [number, number][] | undefined;
      const consider = (f: Finding) => {
        if (options.protectCypher && WEAK_IN_CYPHER.has(f.type)) {
          cypher ??= cypherSpans(text);
          if (cypher.some(([s, e]) => f.start >= s && f.end <= e)) return;
        }
        if (allow.size || allowRes.length) {
          const value = text.slice(f.start, f.end);
          if (allow.has(value.toLowerCase()) || allowRes.some((r) => r.test(value))) return;
        }
        found.push(f);
      };
      // Only the detectors the gate leaves open, lowest bit (highest priority) first.
      for (let open = gate(text); open !== 0; open &= open - 1) {
        const d = detectors[31 - Math.clz32(open & -open)]!;
        if (!types.has(d.type)) continue;
        if (d.quick && !d.quick(text)) continue;
        for (const f of d.find(text)) consider(f);
      }
      for (const f of extra) if (types.has(f.type)) consider(f);
      if (found.length < 2) return found;
      found.sort((a, b) => a.start - b.start || rank(a.type) - rank(b.type) || b.end - b.start - (a.end - a.start));
      const out: Finding[] = [];
      for (const f of found) {
        const last = out[out.length - 1];
        if (!last || f.start >= last.end) out.push(f);
        else if (rank(f.type) < rank(last.type) || (rank(f.type) === rank(last.type) && f.end - f.start > last.end - last.start)) out[out.length - 1] = f;
      }
      return out;
    },
  };
}

function cypherSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  CYPHER.lastIndex = 0;
  for (let m = CYPHER.exec(text); m; m = CYPHER.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}
