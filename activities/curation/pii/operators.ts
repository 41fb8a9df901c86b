import { encryptValue } from './encrypt.js';
import { keyedDigest, pseudonym } from './fakes.js';
import type { PiiOperator } from './options.js';
import { personKey, type PersonRole } from './roles.js';
import type { Finding, PiiType } from './types.js';

const PLACEHOLDER: Record<PiiType, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  credit_card: '[CREDIT_CARD]',
  iban: '[IBAN]',
  ssn: '[SSN]',
  ipv4: '[IP_ADDRESS]',
  ipv6: '[IP_ADDRESS]',
  mac_address: '[MAC_ADDRESS]',
  street_address: '[ADDRESS]',
  person: '[Person]',
  secret: '[SECRET]',
  itin: '[ITIN]',
  passport: '[PASSPORT]',
  drivers_license: '[DRIVERS_LICENSE]',
  bank_account: '[BANK_ACCOUNT]',
  crypto_wallet: '[CRYPTO_WALLET]',
  date_of_birth: '[DATE_OF_BIRTH]',
  workplace: '[WORKPLACE]',
  account_id: '[ACCOUNT_ID]',
};
/** Per-record state: which person got which placeholder (roles from cues: roles.ts). */
export class RecordReplacer {
  private readonly people = new Map<string, string>();
  private neutral = 0;
  /** `roles`: [User]/[Partner] from the record's cues (roles.ts); `key`: the AES-256 key of the encrypt operator (encrypt.ts), when a rule uses it. */
  constructor(
    private readonly salt: string,
    private readonly roles: ReadonlyMap<string, PersonRole> = new Map(),
    private readonly key?: Buffer,
  ) {}

  replacement(op: Exclude<PiiOperator, 'drop'>, f: Finding, value: string): string {
    switch (op) {
      case 'replace':
        if (f.type === 'person') {
          const key = personKey(value);
          let label = this.roles.get(key) ?? this.people.get(key);
          if (!label) {
            label = `[Person ${++this.neutral}]`;
            this.people.set(key, label);
          }
          return label;
        }
        return PLACEHOLDER[f.type];
      case 'mask': {
        const keep = f.type === 'credit_card' || f.type === 'iban' ? 4 : 0;
        let seen = 0;
        const alnum = value.replace(/[^A-Za-z0-9]/g, '').length;
        return value.replace(/[A-Za-z0-9]/g, (c) => (++seen > alnum - keep ? c : '*'));
      }
      case 'hash':
        return `[${PLACEHOLDER[f.type].slice(1, -1).toUpperCase()}:${keyedDigest(this.salt, f.type, value).toString('hex').slice(0, 12)}]`;
      case 'pseudonym':
        return pseudonym(f.type, keyedDigest(this.salt, f.type, normaliseForKey(f.type, value)));
      case 'encrypt':
        if (!this.key) throw new Error('encrypt operator without a key: the stage loads it when a rule encrypts');
        return encryptValue(this.key, PLACEHOLDER[f.type].slice(1, -1).toUpperCase(), value);
    }
  }
}

/** Equal values written differently (case, spacing) get the same pseudonym. */
function normaliseForKey(type: PiiType, value: string): string {
  if (type === 'phone' || type === 'credit_card' || type === 'iban' || type === 'ssn') return value.replace(/[^0-9A-Za-z+]/g, '').toUpperCase();
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Rewrites text: findings (sorted, non-overlapping) replaced right to left. */
export function applyFindings(text: string, findings: Finding[], opFor: (t: PiiType) => PiiOperator, replacer: RecordReplacer): string {
  let out = '';
  let at = 0;
  for (const f of findings) {
    const op = opFor(f.type);
    if (op === 'drop') continue;
    out += text.slice(at, f.start) + replacer.replacement(op, f, text.slice(f.start, f.end));
    at = f.end;
  }
  return out + text.slice(at);
}
