import { describe, expect, it } from '@jest/globals';
import { NgramIndex, ngramHashes, words } from '../../activities/eval/contamination.js';
import { Rng } from '../../activities/generate/rng.js';

/** Random lowercase words from a 500-word vocabulary: two such texts share no 13-gram by chance. */
function prose(rng: Rng, n: number): string {
  return Array.from({ length: n }, () => `w${rng.int(0, 499)}`).join(' ');
}

describe('13-gram contamination check', () => {
  it('splits on non-alphanumerics and lowercases, as lm-eval does', () => {
    expect(words('Hello, World! x_y 42-a  ÉTÉ')).toEqual(['hello', 'world', 'x', 'y', '42', 'a', 'été']);
    // 14 words give two 13-grams; 12 words give none.
    expect(ngramHashes(prose(new Rng(1), 14), 13).size).toBe(2);
    expect(ngramHashes(prose(new Rng(1), 12), 13).size).toBe(0);
  });

  it('finds a planted 13-word overlap, only where it was planted, whatever the case and punctuation', () => {
    const rng = new Rng(3);
    const train = Array.from({ length: 40 }, () => ({ instruction: prose(rng, 30), output: prose(rng, 20) }));
    const test = Array.from({ length: 10 }, () => ({ instruction: prose(rng, 25), output: prose(rng, 10) }));
    // Test example 4 quotes 13 consecutive words of training record 7, in upper case with commas.
    const quoted = words(train[7]!.instruction).slice(5, 18);
    test[4] = { instruction: `${prose(rng, 6)} ${quoted.join(', ').toUpperCase()} ${prose(rng, 6)}`, output: 'x' };
    // Test example 8 shares only 12 words: below the window, not contaminated.
    test[8] = { instruction: `${prose(rng, 6)} ${words(train[2]!.output).slice(0, 12).join(' ')} ${prose(rng, 6)}`, output: 'y' };
    const index = new NgramIndex();
    for (const r of train) index.add(r);
    const c = index.check(test);
    expect(c).toEqual({ n: 13, testExamples: 10, contaminated: 1, share: 0.1, trainNgrams: index.size, overlapping: 1, tooShort: 0 });
    // 40 records x (18 + 8) windows, all distinct with this vocabulary.
    expect(index.size).toBe(40 * (18 + 8));
  });

  it('counts every shared n-gram, never across two fields, and reports examples too short to check', () => {
    const rng = new Rng(5);
    const shared = prose(rng, 20);
    const index = new NgramIndex(13);
    index.add({ messages: [{ role: 'user', content: shared }] });
    // 20 shared words: 8 overlapping 13-grams. The split one straddles two fields: no overlap.
    const w = words(shared);
    const c = index.check([{ text: shared }, { a: w.slice(0, 10).join(' '), b: w.slice(10).join(' ') }, { text: 'short text' }]);
    expect(c).toMatchObject({ testExamples: 3, contaminated: 1, overlapping: 8, tooShort: 2 });
    expect(new NgramIndex(8).check([{ text: shared }])).toMatchObject({ contaminated: 0, trainNgrams: 0 });
  });
});
