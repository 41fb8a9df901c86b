/**
 * JSON.stringify's exact output for JSON data, several times faster on records of plain text.
 *
 * Node 20's JSON.stringify checks every character of a string for escapes one at a time (about
 * 3 ns a character, measured); a record's text fields are most of its bytes, and the curation
 * stages serialise every record once or twice. A compiled regular expression finds "nothing to
 * escape" about four times faster, and then the string is quoted as it is. Anything that does
 * need escaping, and any value that is not plain JSON data (toJSON, class instances, BigInt, very
 * deep nesting), goes to JSON.stringify itself, so the bytes are always the same as its own.
 * Written here because no library promises byte-identical output (fast-json-stringify needs a
 * schema and orders keys by it).
 */
import { isAscii } from 'node:buffer';

/** Characters JSON.stringify escapes: quote, backslash, control characters, and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Nesting deeper than this is left to JSON.stringify (and its own stack limit). */
const MAX_DEPTH = 64;

/** `JSON.stringify(s)` for a string. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Quoted object keys: records repeat the same few keys, and a lookup is cheaper than a test. Bounded,
 * so that records with ever-new keys cannot grow it without end.
 */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

/** `"key":` */
function jsonKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = `${jsonString(k)}:`;
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * Whether no string inside the JSON text `bytes` needs escaping: text that is ASCII and has no
 * backslash escaped nothing, and JSON allows no raw quote or control character inside a string. One
 * native scan of the line then stands for a test of every string parsed from it.
 */
export function hasOnlyPlainStrings(bytes: Buffer): boolean {
  return isAscii(bytes) && !bytes.includes(BACKSLASH);
}

const BACKSLASH = 0x5c;

/**
 * `JSON.stringify(value)`, byte for byte. `plain`: the caller knows that no string in `value` needs
 * escaping (hasOnlyPlainStrings of the text it was parsed from, and nothing added since); then no
 * string is tested at all.
 */
export function stringifyJson(value: unknown, plain = false): string {
  return serialise(value, 0, plain) as string;
}

/**
 * The members of a plain object as JSON.stringify writes them, without the braces: for a caller that
 * adds members of its own before the closing brace, without slicing (and so copying) a long string.
 */
export function stringifyJsonMembers(obj: Record<string, unknown>, plain = false): string {
  return members(obj, 0, plain);
}

function members(obj: Record<string, unknown>, depth: number, plain: boolean): string {
  let out = '';
  for (const k of Object.keys(obj)) {
    const s = serialise(obj[k], depth + 1, plain);
    if (s === undefined) continue;
    out += (out ? ',' : '') + jsonKey(k) + s;
  }
  return out;
}

function serialise(v: unknown, depth: number, plain: boolean): string | undefined {
  switch (typeof v) {
    case 'string':
      return plain ? `"${v}"` : jsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) return JSON.stringify(v);
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return JSON.stringify(v);
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (serialise(v[i], depth + 1, plain) ?? 'null');
        return out + ']';
      }
      const proto = Object.getPrototypeOf(v) as object | null;
      if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v);
      return `{${members(v as Record<string, unknown>, depth, plain)}}`;
    }
    default:
      // undefined, functions and symbols are left out (as JSON.stringify does); BigInt throws as it does.
      return JSON.stringify(v);
  }
}
