import { matchAll, type Detector, type Finding } from '../types.js';

/**
 * Credentials by their published formats, plus generic high-entropy tokens. Patterns follow the
 * vendors' documented prefixes (also used by gitleaks and GitHub secret scanning).
 */
const PATTERNS: { subtype: string; re: RegExp; cue: string[] }[] = [
  { subtype: 'private_key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, cue: ['PRIVATE KEY'] },
  { subtype: 'anthropic_key', re: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/g, cue: ['sk-ant-'] },
  { subtype: 'openai_key', re: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, cue: ['sk-'] },
  { subtype: 'aws_access_key', re: /\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16}\b/g, cue: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AROA', 'AIDA'] },
  { subtype: 'aws_secret_key', re: /(?<=aws.{0,20}(?:secret|key).{0,20}?[=:"'\s])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi, cue: ['aws', 'AWS'] },
  { subtype: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, cue: ['gh', 'github_pat_'] },
  { subtype: 'slack_token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, cue: ['xox'] },
  { subtype: 'url_credentials', re: /\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s:/@]{1,64}:[^\s@/]{1,128}@[^\s/?#]+/gi, cue: ['://'] },
];

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const TOKEN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{32,}(?![A-Za-z0-9+/_=-])/g;
/** Every cue of PATTERNS in one search: most texts have none, and one pass is cheaper than one per cue. */
const ANY_CUE = new RegExp(PATTERNS.flatMap((p) => p.cue).map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));

const isTokenChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 47 && c <= 57) || c === 43 || c === 45 || c === 61 || c === 95; // a-z A-Z / 0-9 + - = _

/**
 * Whether `text` holds a run of at least `min` token characters (what TOKEN matches: its maximal runs
 * of 32 or more). Such a run covers some position p with p % min === min - 1, so only those are
 * looked at, and the run is measured from there: prose is ruled out in a fraction of its length.
 */
function hasLongRun(text: string, min: number): boolean {
  for (let p = min - 1; p < text.length; p += min) {
    if (!isTokenChar(text.charCodeAt(p))) continue;
    let s = p;
    while (s > 0 && isTokenChar(text.charCodeAt(s - 1))) s--;
    let e = p + 1;
    while (e < text.length && e - s < min && isTokenChar(text.charCodeAt(e))) e++;
    if (e - s >= min) return true;
  }
  return false;
}

/**
 * Generic tokens: 32+ characters of the base64 / url-safe alphabet, mixing upper case, lower case and
 * digits, with Shannon entropy >= `minEntropy` bits/char (default 4.5: detect-secrets'
 * Base64HighEntropyString limit). Hex strings (hashes, commit ids) top out at 4.0 bits and pass.
 */
export function secretsDetector(options: { highEntropy: boolean; minEntropy: number }): Detector {
  // The gate looks for the cues in any case, which lets more texts through than ANY_CUE; find decides.
  const cues = { cues: PATTERNS.flatMap((p) => p.cue) };
  return {
    type: 'secret',
    needs: options.highEntropy ? [cues, { tokenRun: 32 }] : cues,
    find(text) {
      const out: Finding[] = [];
      if (ANY_CUE.test(text)) {
        for (const p of PATTERNS) {
          if (!p.cue.some((c) => text.includes(c))) continue;
          out.push(...matchAll(p.re, text, 'secret', () => p.subtype));
        }
      }
      if (options.highEntropy && hasLongRun(text, 32)) {
        out.push(
          ...matchAll(TOKEN, text, 'secret', (m) => {
            const t = m[0];
            if (!/[a-z]/.test(t) || !/[A-Z]/.test(t) || !/\d/.test(t)) return false;
            return shannonEntropy(t) >= options.minEntropy ? 'high_entropy' : false;
          }),
        );
      }
      return out;
    },
  };
}
