import type { Detector, Need } from './types.js';

/**
 * Which detectors may find anything in a text, from one pass over it.
 *
 * Why: most of the scanner's time went to detectors that find nothing. Each ruled a text out with a
 * pre-check of its own (a cue word such as "passport" or "born", a digit, an '@'), and each such
 * check was a pass over the whole text: some 20 passes a text, several of them case-insensitive
 * alternations of a dozen words, which the regex engine tries at every position (docs/performance.md,
 * issue 23). Here every detector states what a text needs for it to find anything (`needs`, in its
 * own file), and one loop over the characters answers for all of them at once: it counts digits,
 * notes which kinds of character occur (letters, digits, whitespace, a few named ones), and looks
 * for all cue words together with an Aho-Corasick automaton over case-folded characters. Runs (of
 * digits, of token characters) and a capital before a lower-case letter are looked for afterwards,
 * only when the rest of a need holds, and a run of n by looking at every n-th character; what the
 * counts alone decide is worked out once for each distinct set of counts, which texts share. A
 * detector whose needs are not met would have found nothing and is skipped
 * (tests/curation/pii-gate.test.ts runs every detector gated and ungated to show it).
 */
export type Gate = (text: string) => number;

// A character's code: its class (the automaton's column) in the low 8 bits, its flags above them.
const CLASS_MASK = 0xff;
const DIGIT = 1 << 8;
const ALNUM = 1 << 9;
const TOKEN = 1 << 10;
const UPPER = 1 << 11;
const LOWER = 1 << 12;
const SPACE = 1 << 13;
/** Characters named in `chars` get one flag each, from this bit up to bit 30. */
const FIRST_CHAR_BIT = 14;
// A transition: the next state's row (state x classes) in the low 16 bits, the cue lists ending there above.
const ROW_MASK = 0xffff;
const MAX_CUE_LISTS = 16;

/** The character a regex with the `i` flag (and no `u`) compares: ECMA-262 Canonicalize (rer, ch). */
function canonicalize(ch: string): string {
  const u = ch.toUpperCase();
  if (u.length !== 1) return ch;
  if (ch.charCodeAt(0) >= 128 && u.charCodeAt(0) < 128) return ch;
  return u;
}

function asciiFlags(c: number): number {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  const lower = c >= 97 && c <= 122;
  let f = 0;
  if (digit) f |= DIGIT;
  if (digit || upper || lower) f |= ALNUM | TOKEN;
  if (c === 43 || c === 45 || c === 47 || c === 61 || c === 95) f |= TOKEN; // + - / = _
  if (upper) f |= UPPER;
  if (lower) f |= LOWER;
  return f;
}

/** One pass over `text`: into `out` go the cue lists seen (bits), the flags seen, the number of digits. */
function profile(text: string, code: Int32Array, delta: Int32Array, out: Int32Array): void {
  let t = 0;
  let hits = 0;
  let seen = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = code[text.charCodeAt(i)]!;
    t = delta[(t & ROW_MASK) + (c & CLASS_MASK)]!;
    hits |= t;
    seen |= c;
    digits += (c >> 8) & 1;
  }
  out[0] = hits >>> 16;
  out[1] = seen & ~CLASS_MASK;
  out[2] = digits;
}

/** A run of `min` or more characters with all of `mask`'s flags: it covers one of every `min`-th position. */
function hasRun(text: string, code: Int32Array, mask: number, min: number): boolean {
  for (let p = min - 1; p < text.length; p += min) {
    if ((code[text.charCodeAt(p)]! & mask) !== mask) continue;
    let s = p;
    while (s > 0 && (code[text.charCodeAt(s - 1)]! & mask) === mask) s--;
    let e = p + 1;
    while (e < text.length && e - s < min && (code[text.charCodeAt(e)]! & mask) === mask) e++;
    if (e - s >= min) return true;
  }
  return false;
}

function hasUpperLower(text: string, code: Int32Array): boolean {
  for (let i = 1; i < text.length; i++) if ((code[text.charCodeAt(i)]! & LOWER) !== 0 && (code[text.charCodeAt(i - 1)]! & UPPER) !== 0) return true;
  return false;
}

/**
 * A gate for `detectors`: bit i of its answer is set when detector i may find something in the text
 * (always, for a detector without needs).
 */
export function createGate(detectors: readonly Detector[]): Gate {
  if (detectors.length > 31) throw new Error(`pii gate: ${detectors.length} detectors, at most 31 fit in its answer`);

  // Each need as numbers: a cue list's bit, the chars (any one), the flags (all), digits, runs (all).
  const cueLists = new Map<string, { bit: number; cues: readonly string[] }>();
  const charBits = new Map<number, number>();
  const runs: { mask: number; min: number }[] = [];
  const runBit = (mask: number, min: number | undefined): number => {
    if (!min || min <= 1) return 0; // one character of the kind: its flag, or the digit count
    let i = runs.findIndex((r) => r.mask === mask && r.min === min);
    if (i < 0) i = runs.push({ mask, min }) - 1;
    if (i >= 31) throw new Error('pii gate: more than 31 distinct runs');
    return 1 << i;
  };
  const compile = (n: Need) => {
    let cue = 0;
    if (n.cues) {
      if (n.cues.length === 0 || n.cues.some((c) => c.length === 0)) throw new Error('pii gate: a cue list holds no word, or an empty one');
      const key = JSON.stringify(n.cues);
      if (!cueLists.has(key)) {
        if (cueLists.size >= MAX_CUE_LISTS) throw new Error(`pii gate: more than ${MAX_CUE_LISTS} cue lists`);
        cueLists.set(key, { bit: 1 << cueLists.size, cues: n.cues });
      }
      cue = cueLists.get(key)!.bit;
    }
    let chars = 0;
    for (const ch of n.chars ?? '') {
      const c = ch.charCodeAt(0);
      if (c >= 128) throw new Error(`pii gate: '${ch}' in chars is not ASCII`);
      if (!charBits.has(c)) {
        if (FIRST_CHAR_BIT + charBits.size > 30) throw new Error('pii gate: too many distinct chars');
        charBits.set(c, 1 << (FIRST_CHAR_BIT + charBits.size));
      }
      chars |= charBits.get(c)!;
    }
    const flags = (n.upperLower ? UPPER | LOWER : 0) | (n.alnumRun ? ALNUM : 0) | (n.tokenRun ? TOKEN : 0) | (n.whitespace ? SPACE : 0);
    const digits = Math.max(n.digits ?? 0, n.digitRun ?? 0);
    const runMask = runBit(DIGIT, n.digitRun) | runBit(ALNUM, n.alnumRun) | runBit(TOKEN, n.tokenRun);
    return { cue, chars, flags, digits, runMask, upperLower: n.upperLower ?? false };
  };
  // Alternatives (any one will do) of detector d: first[d] up to first[d + 1]; a detector without needs has one that is always met.
  const compiled = detectors.flatMap((d) => (d.needs === undefined ? [{}] : Array.isArray(d.needs) ? (d.needs as readonly Need[]) : [d.needs as Need]).map(compile));
  const first = Int32Array.from(detectors.reduce<number[]>((acc, d) => [...acc, acc[acc.length - 1]! + (d.needs === undefined ? 1 : Array.isArray(d.needs) ? d.needs.length : 1)], [0]));
  const column = (key: 'cue' | 'chars' | 'flags' | 'digits' | 'runMask') => Int32Array.from(compiled.map((n) => n[key]));
  const [needCue, needChars, needFlags, needDigits, needRuns] = [column('cue'), column('chars'), column('flags'), column('digits'), column('runMask')];
  const needUpperLower = Uint8Array.from(compiled.map((n) => (n.upperLower ? 1 : 0)));
  const detectorOf = Int32Array.from(compiled.map((_, a) => first.findIndex((f, d) => a >= f && a < first[d + 1]!)));
  const digitsCap = Math.max(0, ...needDigits);
  if (digitsCap >= 1 << 14) throw new Error('pii gate: a need of more than 16,383 digits');
  // A long run of letters and digits, or of token characters, is a run of token characters (ALNUM
  // characters are TOKEN ones): one look for the shortest of them rules them all out in prose.
  const long = runs.map((_, i) => i).filter((i) => runs[i]!.min >= 8 && (runs[i]!.mask === ALNUM || runs[i]!.mask === TOKEN));
  const screen = runs.map(() => -1);
  if (long.length > 1) {
    const at = runs.push({ mask: TOKEN, min: Math.min(...long.map((i) => runs[i]!.min)) }) - 1;
    screen.push(-1);
    for (const i of long) if (runs[i]!.mask !== TOKEN || runs[i]!.min !== runs[at]!.min) screen[i] = at;
  }
  if (runs.length > 31) throw new Error('pii gate: more than 31 distinct runs');
  const runMasks = Int32Array.from(runs.map((r) => r.mask));
  const runMins = Int32Array.from(runs.map((r) => r.min));
  const runScreen = Int32Array.from(screen);

  // Characters: the cue symbol each folds to (0: in no cue) and its flags; a class per distinct pair.
  const symbols = new Map<string, number>(); // canonical character -> symbol 1..
  for (const { cues } of cueLists.values()) for (const cue of cues) for (const ch of cue) if (!symbols.has(canonicalize(ch))) symbols.set(canonicalize(ch), symbols.size + 1);
  const code = new Int32Array(65536);
  const classOf = new Map<string, number>([['0|0', 0]]);
  const classSymbol: number[] = [0];
  for (let c = 0; c < 65536; c++) {
    const ch = String.fromCharCode(c);
    const symbol = symbols.get(canonicalize(ch)) ?? 0;
    const flags = (c < 128 ? asciiFlags(c) | (charBits.get(c) ?? 0) : 0) | (/\s/.test(ch) ? SPACE : 0);
    const key = `${symbol}|${flags}`;
    if (!classOf.has(key)) {
      if (classOf.size > CLASS_MASK) throw new Error('pii gate: more than 256 character classes');
      classOf.set(key, classOf.size);
      classSymbol.push(symbol);
    }
    code[c] = classOf.get(key)! | flags;
  }
  const K = classSymbol.length;

  // Aho-Corasick over symbols: a trie of the cues, failure links, then a full transition table.
  const S = symbols.size + 1;
  const next: number[][] = [new Array<number>(S).fill(-1)];
  const ends: number[] = [0];
  for (const { bit, cues } of cueLists.values()) {
    for (const cue of cues) {
      let s = 0;
      for (const ch of cue) {
        const a = symbols.get(canonicalize(ch))!;
        if (next[s]![a]! < 0) {
          next[s]![a] = next.length;
          next.push(new Array<number>(S).fill(-1));
          ends.push(0);
        }
        s = next[s]![a]!;
      }
      ends[s]! |= bit;
    }
  }
  if (next.length * K > ROW_MASK) throw new Error('pii gate: too many cue states');
  // Breadth first, so that a state's failure target (a shorter suffix) is complete before the state.
  const fail = new Array<number>(next.length).fill(0);
  const goto = next.map((row) => row.slice());
  const queue: number[] = [];
  for (let a = 0; a < S; a++) {
    if (next[0]![a]! >= 0) queue.push(next[0]![a]!);
    else goto[0]![a] = 0;
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    for (let a = 0; a < S; a++) {
      const t = next[s]![a]!;
      if (t < 0) goto[s]![a] = goto[fail[s]!]![a]!;
      else {
        fail[t] = goto[fail[s]!]![a]!;
        ends[t]! |= ends[fail[t]!]!;
        queue.push(t);
      }
    }
  }
  const delta = new Int32Array(next.length * K);
  for (let s = 0; s < next.length; s++) {
    for (let k = 0; k < K; k++) {
      const t = goto[s]![classSymbol[k]!]!;
      delta[s * K + k] = (t * K) | (ends[t]! << 16);
    }
  }

  /**
   * The part of every need that hangs on what the pass counted (cue lists, flags, digits), which
   * repeats from text to text: the detectors it opens, and the alternatives that hold so far but
   * still want a run or a capital before a lower-case letter looked for in the text.
   */
  const settle = (hits: number, seen: number, digits: number): { open: number; lazy: Int32Array } => {
    let open = 0;
    const lazy: number[] = [];
    for (let a = 0; a < compiled.length; a++) {
      const d = detectorOf[a]!;
      const cue = needCue[a]!;
      const chars = needChars[a]!;
      const flags = needFlags[a]!;
      if ((open & (1 << d)) !== 0) continue;
      if ((hits & cue) !== cue || (chars !== 0 && (seen & chars) === 0) || (seen & flags) !== flags || digits < needDigits[a]!) continue;
      if (needRuns[a] === 0 && needUpperLower[a] === 0) open |= 1 << d;
      else lazy.push(a);
    }
    return { open, lazy: Int32Array.from(lazy.filter((a) => (open & (1 << detectorOf[a]!)) === 0)) };
  };
  const settled = new Map<number, { open: number; lazy: Int32Array }>();

  const out = new Int32Array(3);
  return (text) => {
    profile(text, code, delta, out);
    const hits = out[0]!;
    const seen = out[1]!;
    const digits = out[2]!;
    const key = (hits * (digitsCap + 1) + Math.min(digits, digitsCap)) * 2 ** 23 + (seen >>> 8);
    let s = settled.get(key);
    if (s === undefined) {
      if (settled.size >= 4096) settled.clear();
      s = settle(hits, seen, digits);
      settled.set(key, s);
    }
    let open = s.open;
    // Runs looked for in this text, and found; the screen of a run is looked for first.
    let looked = 0;
    let found = 0;
    let upperLower = -1;
    for (let i = 0; i < s.lazy.length; i++) {
      const a = s.lazy[i]!;
      const d = detectorOf[a]!;
      if ((open & (1 << d)) !== 0) continue;
      const runMask = needRuns[a]!;
      let ok = true;
      for (let r = 0; ok && r < runMasks.length; r++) {
        const bit = 1 << r;
        if ((runMask & bit) === 0) continue;
        if ((looked & bit) === 0) {
          looked |= bit;
          const sc = runScreen[r]!;
          if (sc >= 0 && (looked & (1 << sc)) === 0) {
            looked |= 1 << sc;
            if (hasRun(text, code, runMasks[sc]!, runMins[sc]!)) found |= 1 << sc;
          }
          if ((sc < 0 || (found & (1 << sc)) !== 0) && hasRun(text, code, runMasks[r]!, runMins[r]!)) found |= bit;
        }
        ok = (found & bit) !== 0;
      }
      if (ok && needUpperLower[a] === 1) {
        if (upperLower < 0) upperLower = hasUpperLower(text, code) ? 1 : 0;
        ok = upperLower === 1;
      }
      if (ok) open |= 1 << d;
    }
    return open;
  };
}
