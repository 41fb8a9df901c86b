import { describe, expect, it } from '@jest/globals';
import { Rng } from '../../activities/generate/rng.js';
import { corpusPerplexity, type RollingScore } from '../../activities/eval/metrics/perplexity.js';
import { buildRows, type ModelScores } from '../../activities/eval/result.js';
import { binary, meanOf } from '../../activities/eval/stats/compare.js';
import { outcomes } from './examples.js';
import { binomialTwoSidedHalf, bootstrapMeanDifference, mcnemar, pairedBootstrap, wilson } from '../../activities/eval/stats/paired.js';

describe('McNemar exact test', () => {
  it('b=10, c=2: p = 2 * P(Bin(12, 1/2) <= 2) = 2 * (1 + 12 + 66) / 4096 = 0.03857421875', () => {
    // By hand, as statsmodels.stats.contingency_tables.mcnemar(exact=True) computes it: binom.cdf(2, 12, 0.5) * 2.
    const { base, tuned } = outcomes(20, 10, 2, 8);
    const m = mcnemar(base, tuned);
    expect(m).toMatchObject({ n: 40, b: 10, c: 2 });
    expect(m.pValue).toBeCloseTo(158 / 4096, 14);
    expect(m.delta).toBeCloseTo(8 / 40, 14);
  });

  it('the exact binomial p is symmetric, capped at 1, and stays finite past 2^-1074', () => {
    expect(binomialTwoSidedHalf(2, 12)).toBe(binomialTwoSidedHalf(10, 12));
    expect(binomialTwoSidedHalf(6, 12)).toBe(1);
    expect(binomialTwoSidedHalf(0, 0)).toBe(1);
    // n = 5: 2 * 1/32.
    expect(binomialTwoSidedHalf(0, 5)).toBeCloseTo(1 / 16, 15);
    const big = binomialTwoSidedHalf(1000, 2000);
    expect(big).toBe(1);
    const far = binomialTwoSidedHalf(900, 2000);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-5);
  });

  it('Wilson score limits match Newcombe (1998a, Table I): 81/263 -> 0.2553-0.3662, 15/148 -> 0.0624-0.1605, 0/20 -> 0-0.1611', () => {
    const r = (x: [number, number]) => x.map((v) => Number(v.toFixed(4)));
    expect(r(wilson(81, 263))).toEqual([0.2553, 0.3662]);
    expect(r(wilson(15, 148))).toEqual([0.0624, 0.1605]);
    expect(r(wilson(0, 20))).toEqual([0, 0.1611]);
  });

  it('the Newcombe interval brackets the difference; with no discordant pair it straddles 0 and p is 1', () => {
    const o = outcomes(20, 10, 2, 8);
    const clear = mcnemar(o.base, o.tuned);
    expect(clear.low).toBeGreaterThan(0);
    expect(clear.low).toBeLessThan(clear.delta);
    expect(clear.high).toBeGreaterThan(clear.delta);
    const same = outcomes(12, 0, 0, 8);
    const equal = mcnemar(same.base, same.tuned);
    expect(equal).toMatchObject({ b: 0, c: 0, delta: 0, pValue: 1 });
    expect(equal.low).toBeLessThan(0);
    expect(equal.high).toBeGreaterThan(0);
    // Swapping the models mirrors the interval.
    const swapped = mcnemar(o.tuned, o.base);
    expect(swapped.low).toBeCloseTo(-clear.high, 12);
    expect(swapped.high).toBeCloseTo(-clear.low, 12);
  });

  it('covers the true difference of paired proportions in about 95% of simulated evaluations', () => {
    // Base right with p 0.5; tuned agrees with base 80% of the time, else right with p 0.75: true delta 0.05.
    const rng = new Rng(7);
    const trials = 400;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const base: number[] = [];
      const tuned: number[] = [];
      for (let i = 0; i < 80; i++) {
        const s = rng.chance(0.5) ? 1 : 0;
        base.push(s);
        tuned.push(rng.chance(0.8) ? s : rng.chance(0.75) ? 1 : 0);
      }
      const m = mcnemar(base, tuned);
      if (m.low <= 0.05 && 0.05 <= m.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.91);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

describe('paired percentile bootstrap', () => {
  it('on differences {0, 1} the resampled means are 0, 0.5, 1 (1/4, 1/2, 1/4): the interval is [0, 1]', () => {
    const r = bootstrapMeanDifference([0, 0], [0, 1]);
    expect(r).toMatchObject({ n: 2, delta: 0.5, low: 0, high: 1, resamples: 10_000 });
  });

  it('an all-equal pair gives exactly [0, 0]', () => {
    const xs = [0.1, 0.4, 0.9, 0.3, 0.3];
    expect(bootstrapMeanDifference(xs, [...xs])).toMatchObject({ delta: 0, low: 0, high: 0 });
  });

  it('covers a known difference on synthetic data, and excludes 0 when the shift is large', () => {
    const rng = new Rng(11);
    const base = Array.from({ length: 200 }, () => rng.next());
    // tuned = base + 0.1 + noise uniform in [-0.2, 0.2]: the true mean difference is 0.1.
    const tuned = base.map((b) => b + 0.1 + (rng.next() - 0.5) * 0.4);
    const r = bootstrapMeanDifference(base, tuned, { seed: 3 });
    expect(r.low).toBeLessThan(0.1);
    expect(r.high).toBeGreaterThan(0.1);
    expect(r.low).toBeGreaterThan(0);
    // The noise's standard error is 0.4 / sqrt(12) / sqrt(200) = 0.0082: the interval is about +-1.96 of it.
    expect(r.high - r.low).toBeGreaterThan(0.02);
    expect(r.high - r.low).toBeLessThan(0.045);
  });

  it('is reproducible from its seed, and another seed moves the limits only a little', () => {
    const rng = new Rng(5);
    const base = Array.from({ length: 50 }, () => rng.next());
    const tuned = base.map((b) => b + rng.next() - 0.45);
    const a = bootstrapMeanDifference(base, tuned, { seed: 1 });
    expect(bootstrapMeanDifference(base, tuned, { seed: 1 })).toEqual(a);
    const b = bootstrapMeanDifference(base, tuned, { seed: 2 });
    expect(b.low).not.toBe(a.low);
    expect(Math.abs(b.low - a.low)).toBeLessThan(0.01);
  });

  it('refuses lists that do not pair', () => {
    expect(() => bootstrapMeanDifference([1, 2], [1])).toThrow(RangeError);
    expect(() => mcnemar([1], [])).toThrow(RangeError);
    expect(pairedBootstrap(0, () => 0)).toMatchObject({ n: 0, low: 0, high: 0 });
  });
});

describe('paired rows of an eval report', () => {
  const scores = (label: 'base' | 'tuned', em: number[], rouge: number[], docs: RollingScore[]): ModelScores => {
    const ppl = corpusPerplexity(docs);
    return {
      model: { label, sha256: label.padEnd(64, '0'), bytes: 1, uri: 'x' },
      metrics: {
        'test.exact_match': em.reduce((a, b) => a + b, 0) / em.length,
        'test.rouge_l': rouge.reduce((a, b) => a + b, 0) / rouge.length,
        'test.perplexity': ppl.perplexity,
        'test.bits_per_byte': ppl.bitsPerByte,
        'hellaswag.acc': 0.5,
      },
      n: { 'test.exact_match': em.length, 'test.rouge_l': rouge.length, 'test.perplexity': docs.length, 'test.bits_per_byte': docs.length, 'hellaswag.acc': 2 },
      timings: {},
      perExample: {
        'test.exact_match': binary(em),
        'test.rouge_l': meanOf(rouge),
        'test.perplexity': { kind: 'corpus', statistic: 'perplexity', rolling: 'test' },
        'test.bits_per_byte': { kind: 'corpus', statistic: 'bits_per_byte', rolling: 'test' },
      },
      rolling: { test: docs },
    };
  };
  const rng = new Rng(9);
  const docsBase = Array.from({ length: 40 }, () => ({ loglik: -(20 + rng.next() * 10), tokens: 10, bytes: 40 }));
  // The tuned model gains 3 nats on every document: lower perplexity, clearly.
  const docsTuned = docsBase.map((d) => ({ ...d, loglik: d.loglik + 3 }));
  const em = outcomes(20, 10, 2, 8);
  const rouge = Array.from({ length: 40 }, () => rng.next());
  const rows = buildRows(scores('tuned', em.tuned, rouge.map((r) => r + 0.05), docsTuned), scores('base', em.base, rouge, docsBase));
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it('0/1 metrics use McNemar, in points', () => {
    expect(row('test.exact_match').paired).toMatchObject({ method: 'mcnemar', n: 40, b: 10, c: 2 });
    expect(row('test.exact_match').paired!.delta).toBeCloseTo(20, 9);
    expect(row('test.exact_match').paired!.delta).toBeCloseTo(row('test.exact_match').delta!, 9);
    expect(row('test.exact_match').paired!.pValue).toBeCloseTo(158 / 4096, 14);
  });

  it('rouge_l and corpus perplexity use the bootstrap; the perplexity interval lies below 0', () => {
    const r = row('test.rouge_l').paired!;
    expect(r.method).toBe('bootstrap');
    expect(r.delta).toBeCloseTo(5, 9);
    expect([r.low, r.high].map((x) => Number(x.toFixed(9)))).toEqual([5, 5]);
    const p = row('test.perplexity').paired!;
    expect(p).toMatchObject({ method: 'bootstrap', n: 40 });
    expect(p.delta).toBeCloseTo(row('test.perplexity').delta!, 9);
    expect(p.high).toBeLessThan(0);
    expect(p.low).toBeLessThanOrEqual(p.delta);
    // Bits per byte is 3 nats per 40 bytes lower on every resample: -3 / (40 ln 2) exactly.
    const bpb = row('test.bits_per_byte').paired!;
    for (const v of [bpb.delta, bpb.low, bpb.high]) expect(v).toBeCloseTo(-3 / (40 * Math.LN2), 9);
  });

  it('a metric without per-example values has no paired interval', () => {
    expect(row('hellaswag.acc').paired).toBeUndefined();
  });
});
