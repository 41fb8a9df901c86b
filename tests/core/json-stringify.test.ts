import { describe, expect, it } from '@jest/globals';
import { hasOnlyPlainStrings, jsonString, stringifyJson } from '../../core/json/stringify.js';

/** Strings JSON.stringify escapes, and some it leaves alone. */
const TRICKY = ['', 'plain text', 'a"b', 'back\\slash', 'tab\there', 'nl\nx', '\u0000\u001f\u007f', 'emoji 😀', 'lone \ud800 x', 'low \udc00', '\u2028\u2029', 'é', '</script>', "it's"];

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    return (a >>> 0) / 0x100000000;
  };
}

/** A random JSON-like value, with the oddities JSON.stringify has rules for. */
function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 6 : 9));
  if (pick === 0) return TRICKY[Math.floor(r() * TRICKY.length)];
  if (pick === 1) return String.fromCharCode(...Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 0x10000)));
  if (pick === 2) return [0, -0, 1.5, -3e-7, 1e21, 2 ** 53, NaN, Infinity, -Infinity][Math.floor(r() * 9)];
  if (pick === 3) return r() < 0.5;
  if (pick === 4) return null;
  if (pick === 5) return undefined;
  if (pick === 6) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[TRICKY[Math.floor(r() * TRICKY.length)]! + String(i)] = randomValue(r, depth + 1);
  return o;
}

describe('stringifyJson', () => {
  it('gives JSON.stringify’s bytes for every string JSON.stringify has a rule for', () => {
    for (const s of TRICKY) {
      expect(jsonString(s)).toBe(JSON.stringify(s));
      expect(stringifyJson({ [s]: [s, { s }] })).toBe(JSON.stringify({ [s]: [s, { s }] }));
    }
  });

  it('gives JSON.stringify’s bytes on 5,000 random values', () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r, 0);
      expect(stringifyJson(v)).toBe(JSON.stringify(v));
    }
  });

  it('leaves values that are not plain data to JSON.stringify: toJSON, class instances, deep nesting', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = { d: [deep] };
    const values = [new Date(0), { at: new Date(0) }, new Point(1, 2), { toJSON: () => 'custom' }, deep, [undefined, () => 1, Symbol('s')], { f: () => 1, u: undefined }];
    for (const v of values) expect(stringifyJson(v)).toBe(JSON.stringify(v));
    expect(() => stringifyJson({ n: 1n })).toThrow(TypeError);
  });

  it('quotes without a test only where the source text shows nothing was escaped', () => {
    const plain = Buffer.from('{"instruction":"Say hi","output":"Hello, world! (ok) [1] {2}"}');
    expect(hasOnlyPlainStrings(plain)).toBe(true);
    const value = JSON.parse(plain.toString()) as unknown;
    expect(stringifyJson(value, true)).toBe(JSON.stringify(value));
    for (const line of ['{"o":"a\\"b"}', '{"o":"tab\\t"}', '{"o":"\\u0041"}', '{"o":"caf\u00e9"}', '{"o":"a\\\\b"}']) {
      expect(hasOnlyPlainStrings(Buffer.from(line))).toBe(false);
    }
  });
});
