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

/**
 * Something every text in which a detector finds anything contains. All given fields must hold.
 * The scanner checks every detector's needs in one pass over the text (gate.ts); speed only.
 */
export interface Need {
  /** One of these words, ignoring case as a regex's `i` flag does (without `u`). */
  cues?: readonly string[];
  /** At least this many ASCII digits in the text. */
  digits?: number;
  /** A run of at least this many ASCII digits. */
  digitRun?: number;
  /** A run of at least this many ASCII letters and digits. */
  alnumRun?: number;
  /** A run of at least this many of `[A-Za-z0-9+/_=-]` (base64 and url-safe tokens). */
  tokenRun?: number;
  /** One of these ASCII characters. */
  chars?: string;
  /** A whitespace character (what a regex's `\s` matches). */
  whitespace?: boolean;
  /** An ASCII capital followed by an ASCII lower-case letter (`[A-Z][a-z]`). */
  upperLower?: boolean;
}

export interface Detector {
  type: PiiType;
  /** What a text needs for this detector to find anything in it; a list: any one of them. */
  needs?: Need | readonly Need[];
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
