import { describe, expect, it } from '@jest/globals';
import { NoveltyPool, rougeL, tokens } from '../../activities/generate/novelty.js';

describe('ROUGE-L novelty filter', () => {
  it('computes ROUGE-L F1 from the longest common subsequence', () => {
    expect(rougeL(tokens('the cat sat on the mat'), tokens('the cat sat on the mat'))).toBe(1);
    // LCS("a b c d", "a c d e") = 3 -> 2*3/8
    expect(rougeL(tokens('a b c d'), tokens('a c d e'))).toBeCloseTo(0.75);
    expect(rougeL(tokens('alpha beta'), tokens('gamma delta'))).toBe(0);
  });

  it('keeps only tasks below the threshold against the whole pool', () => {
    const pool = new NoveltyPool(0.7);
    pool.add('Write a Python function that reverses a string');
    pool.add('Classify the sentiment of a movie review');
    expect(pool.check('Write a Python function that reverses a list').novel).toBe(false);
    expect(pool.check('Translate this sentence into French').novel).toBe(true);
    const near = pool.check('Classify the sentiment of a product review');
    expect(near).toMatchObject({ novel: false });
    expect((near as { similarity: number }).similarity).toBeGreaterThanOrEqual(0.7);
  });
});
