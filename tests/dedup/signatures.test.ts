import { describe, expect, it } from '@jest/globals';
import { permutations, setJaccard, signBatch, type MinhashParams } from '../../activities/dedup/minhash.js';
import { SignatureTable } from '../../activities/dedup/signatures.js';
import { normalizeText } from '../../activities/dedup/text.js';
import { prose } from './stage-helpers.js';

const params: MinhashParams = {
  shingle: 'word',
  size: 5,
  permutations: 18, // not a multiple of four: the unrolled loop's tail runs too
  bands: 6,
  seed: 7,
  normalize: { nfkc: true, lowercase: true, punctuation: true, whitespace: true },
};

describe('signature table', () => {
  it('signs a stream of unknown length on worker threads once it grows large, in input order, equal to inline signing', async () => {
    // Just past the size at which threads start; short texts, because code under jest's VM modules runs
    // far slower than under plain node.
    const texts = Array.from({ length: 6_543 }, (_, i) => `${i} ${prose(i % 97, 12)}`);
    const table = new SignatureTable(params, 0, 2, undefined, true);
    try {
      for (const t of texts) await table.add(t);
      await table.finish();
    } finally {
      await table.close();
    }
    const inline = signBatch(texts, params, permutations(params));
    expect(table.count).toBe(texts.length);
    expect(table.threadsUsed).toBe(2);
    // Compared as bytes: jest's deep equality walks a large typed array one element at a time.
    const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(table.sigs.subarray(0, texts.length * params.permutations)).equals(bytes(inline.sigs))).toBe(true);
    expect(bytes(table.exact.subarray(0, texts.length * 2)).equals(bytes(inline.exact))).toBe(true);
    // The shingle sets come back from the threads in input order too (batches finish out of order).
    for (const i of [0, 999, 1000, 4321, texts.length - 1]) {
      const mine = signBatch([texts[i]!], params, permutations(params), true);
      expect(Array.from(table.shingleSet(i))).toEqual(Array.from(mine.shingles!));
    }
  });

  it('holds each text\'s shingles as a sorted set, so that the true Jaccard similarity is a merge', () => {
    const r = signBatch(['a b c d e f g', 'a b c d e f x', 'a b c d e a b c d e'], { ...params, size: 2 }, permutations(params), true);
    const set = (i: number) => r.shingles!.subarray(r.offsets![i], r.offsets![i + 1]);
    expect(Array.from(set(0))).toEqual(Array.from(set(0)).sort((x, y) => x - y));
    expect(set(2)).toHaveLength(5); // 'a b','b c','c d','d e','e a': the repeats count once
    expect(setJaccard(set(0), set(1))).toBeCloseTo(5 / 7, 10); // 6 bigrams each, 5 shared
    expect(setJaccard(set(0), set(0))).toBe(1);
  });

  it('signs a small stream on the calling thread', async () => {
    const table = new SignatureTable(params, 0, 2);
    for (let i = 0; i < 100; i++) await table.add(prose(i, 12));
    await table.finish();
    expect(table.count).toBe(100);
    expect(table.threadsUsed).toBe(0);
  });

  it('gives one signature per permutation, and different texts different signatures', () => {
    const r = signBatch([prose(1, 60), prose(2, 60), prose(1, 60)], params, permutations(params));
    const sig = (i: number) => Array.from(r.sigs.subarray(i * params.permutations, (i + 1) * params.permutations));
    expect(sig(0)).toEqual(sig(2));
    expect(sig(0)).not.toEqual(sig(1));
    // Every position is filled (the minimum over shingles is never the initial sentinel for real text).
    expect(sig(0).filter((v) => v === 0x7fffffff)).toHaveLength(0);
  });
});

describe('normal form', () => {
  it('collapses every run of whitespace, including lone tabs, newlines and no-break spaces, to one space', () => {
    const o = params.normalize;
    expect(normalizeText('a\tb\nc\u00a0d  e \r\n f', o)).toBe('a b c d e f');
    expect(normalizeText('  Hello,   World!  ', o)).toBe('hello world');
    expect(normalizeText('ＡＢＣ　ｄｅｆ', o)).toBe('abc def');
  });
});
