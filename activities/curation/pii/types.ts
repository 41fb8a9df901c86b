export const PII_TYPES = [
  'email', 'phone', 'credit_card', 'iban', 'ssn', 'itin', 'ipv4', 'ipv6', 'mac_address', 'street_address', 'person', 'secret',
  'passport', 'drivers_license', 'bank_account', 'crypto_wallet', 'date_of_birth', 'workplace', 'account_id',
] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** Where a detector found something. It holds offsets, never the value, so it can be counted and logged safely. */
export interface Finding {
  type: PiiType;
  start: number;
  end: number;
  /** Finer kind for counting (`anthropic_key`, `url_credentials`, ...). */
  subtype?: string;
}

export interface Detector {
  type: PiiType;
  /** A cheap test that rules the text out before the real search (speed only; never decides a finding). */
  quick?(text: string): boolean;
  find(text: string): Finding[];
}

/** All matches of a global regex as findings (the regex must have the `g` flag). */
export function matchAll(re: RegExp, text: string, type: PiiType, accept?: (m: RegExpExecArray) => boolean | string, group = 0): Finding[] {
  const out: Finding[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const verdict = accept ? accept(m) : true;
    if (verdict === false) continue;
    const value = m[group] ?? m[0];
    const start = m.index + m[0].indexOf(value);
    const f: Finding = { type, start, end: start + value.length };
    if (typeof verdict === 'string') f.subtype = verdict;
    out.push(f);
  }
  return out;
}
