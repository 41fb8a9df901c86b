import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyGate, gateRule, type GateRule } from '../../activities/eval/gate.js';
import { promoteStep } from '../../activities/eval/promote-step.js';
import { buildRows, type EvalReport, type ModelScores } from '../../activities/eval/result.js';
import { Rng } from '../../activities/generate/rng.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { loadConfig } from '../../core/config.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { evalReport, outcomes } from './examples.js';

function report(base: Record<string, number>, tuned: Record<string, number>): EvalReport {
  const scores = (label: 'base' | 'tuned', metrics: Record<string, number>): ModelScores => ({
    model: { label, sha256: label.padEnd(64, '0'), bytes: 1, uri: 'x' },
    metrics,
    n: Object.fromEntries(Object.keys(metrics).map((k) => [k, 10])),
    timings: {},
  });
  const t = scores('tuned', tuned);
  const b = scores('base', base);
  return { schema: 'eval', version: 1, phase: 'final', settings: {}, metrics: buildRows(t, b), models: { tuned: t, base: b }, skipped: {} };
}

const rules = (r: unknown[]): GateRule[] => r.map((x) => gateRule.parse(x));
const STANDARD = rules([
  { rule: 'improves', metric: 'test.exact_match', points: 5 },
  { rule: 'no_regression', metrics: 'others', points: 2 },
]);

describe('promotion gate', () => {
  it('promotes when the target metric gains >= 5 points and nothing else drops more than 2', () => {
    const r = report({ 'test.exact_match': 0.3, 'test.json_valid': 0.8, 'test.perplexity': 12 }, { 'test.exact_match': 0.35, 'test.json_valid': 0.785, 'test.perplexity': 13.5 });
    // perplexity 12 -> 13.5 is 1.5 worse (raw units): within the 2 allowed.
    const d = applyGate(r, STANDARD);
    expect(d.decision).toBe('promoted');
    expect(d.checks.map((c) => [c.metric, c.passed])).toEqual([
      ['test.exact_match', true],
      ['test.json_valid', true],
      ['test.perplexity', true],
    ]);
    expect(d.reasons[0]).toBe('test.exact_match: tuned 35.00% vs base 30.00% (+5.00 points, needs >= +5.00)');
  });

  it('does not promote, with each reason, when the gain is short or another metric regresses', () => {
    const r = report({ 'test.exact_match': 0.3, 'test.json_valid': 0.8, 'test.perplexity': 12 }, { 'test.exact_match': 0.34, 'test.json_valid': 0.77, 'test.perplexity': 14.5 });
    const d = applyGate(r, STANDARD);
    expect(d.decision).toBe('not promoted');
    expect(d.reasons).toEqual([
      'test.exact_match: tuned 34.00% vs base 30.00% (+4.00 points, needs >= +5.00)',
      'test.json_valid: tuned 77.00% vs base 80.00% (-3.00 points; may drop at most 2.00)',
      'test.perplexity: tuned 14.50 vs base 12.00 (-2.50; may drop at most 2.00)',
    ]);
  });

  it('a lower perplexity is a gain; thresholds use raw values; unknown metrics fail loudly', () => {
    const r = report({ 'test.perplexity': 20, 'gsm8k.exact_match_flexible': 0.1 }, { 'test.perplexity': 14, 'gsm8k.exact_match_flexible': 0.12 });
    expect(applyGate(r, rules([{ rule: 'improves', metric: 'test.perplexity', points: 5 }])).decision).toBe('promoted');
    expect(applyGate(r, rules([{ rule: 'threshold', metric: 'gsm8k.exact_match_flexible', min: 0.15 }])).decision).toBe('not promoted');
    expect(applyGate(r, rules([{ rule: 'threshold', metric: 'test.perplexity', max: 15 }])).decision).toBe('promoted');
    const missing = applyGate(r, rules([{ rule: 'improves', metric: 'hellaswag.acc', points: 1 }]));
    expect(missing.decision).toBe('not promoted');
    expect(missing.reasons[0]).toContain('hellaswag.acc: not measured');
  });

  it('without a base model an improvement cannot be shown, whatever the rules', () => {
    const t: ModelScores = { model: { label: 'tuned', sha256: 'x', bytes: 1, uri: 'x' }, metrics: { 'test.exact_match': 0.9 }, n: {}, timings: {} };
    const r: EvalReport = { schema: 'eval', version: 1, phase: 'p', settings: {}, metrics: buildRows(t, undefined), models: { tuned: t }, skipped: {} };
    const d = applyGate(r, STANDARD);
    expect(d.decision).toBe('not promoted');
    expect(d.reasons).toEqual(['test.exact_match: no base model to compare with: an improvement cannot be shown', 'test.exact_match: no base model score to compare with']);
    // A threshold alone would pass; the missing base still stops the promotion.
    expect(applyGate(r, rules([{ rule: 'threshold', metric: 'test.exact_match', min: 0.5 }])).decision).toBe('not promoted');
    expect(d.verdict).toEqual({ decision: 'not promoted', metric: 'test.exact_match', unit: 'fraction', higherIsBetter: true, tuned: 0.9, n: 0 });
  });

  it('rule schema rejects malformed rules', () => {
    expect(gateRule.safeParse({ rule: 'improves', metric: 'x' }).success).toBe(false);
    expect(gateRule.safeParse({ rule: 'sometimes', metric: 'x', points: 1 }).success).toBe(false);
    expect(gateRule.parse({ rule: 'better', metric: 'x' })).toEqual({ rule: 'better', metric: 'x', points: 0, minExamples: 20 });
    expect(gateRule.safeParse({ rule: 'better', metric: 'x', points: -1 }).success).toBe(false);
    expect(gateRule.parse({ rule: 'no_regression', points: 2 })).toEqual({ rule: 'no_regression', metrics: 'others', points: 2 });
  });
});

describe('the `better` rule: promoted only when the paired interval excludes zero', () => {
  const BETTER = rules([{ rule: 'better', metric: 'test.exact_match' }]);
  const rng = new Rng(4);
  const docs = Array.from({ length: 60 }, () => ({ loglik: -(30 + rng.next() * 20), tokens: 12, bytes: 50 }));

  it('promotes a clearly better model, with its verdict', () => {
    // 60 examples: tuned alone right on 15, base alone on 1 (McNemar p = 2 * 17 / 65536).
    const o = outcomes(10, 15, 1, 34);
    const d = applyGate(evalReport({ exact_match: o.tuned }, { exact_match: o.base }), BETTER);
    expect(d.decision).toBe('promoted');
    const v = d.verdict!;
    expect(v).toMatchObject({ decision: 'promoted', metric: 'test.exact_match', method: 'mcnemar', n: 60, base: 11 / 60, tuned: 25 / 60 });
    expect(v.delta).toBeCloseTo((14 / 60) * 100, 9);
    expect(v.low).toBeGreaterThan(0);
    expect(v.high).toBeGreaterThan(v.delta!);
    expect(v.pValue).toBeCloseTo((2 * 17) / 65536, 12);
    expect(d.reasons[0]).toMatch(/^test\.exact_match: tuned 41\.67% vs base 18\.33% \(gain \+23\.33 points, 95% CI \+\d+\.\d\d to \+\d+\.\d\d, n=60, McNemar p=0\.00052; needs the interval above 0\)$/);
  });

  it('does not promote a worse model', () => {
    const o = outcomes(10, 1, 15, 34);
    const d = applyGate(evalReport({ exact_match: o.tuned }, { exact_match: o.base }), BETTER);
    expect(d.decision).toBe('not promoted');
    expect(d.verdict!.high).toBeLessThan(0);
    expect(d.checks).toEqual([expect.objectContaining({ rule: 'better', passed: false })]);
  });

  it('does not promote a model whose gain is within chance (the interval includes 0)', () => {
    // Tuned right on 6 that base misses, base on 3 that tuned misses: +5 points, p = 0.51.
    const o = outcomes(20, 6, 3, 31);
    const d = applyGate(evalReport({ exact_match: o.tuned }, { exact_match: o.base }), BETTER);
    expect(d.decision).toBe('not promoted');
    expect(d.verdict!.delta).toBeCloseTo(5, 9);
    expect(d.verdict!.low).toBeLessThan(0);
    expect(d.verdict!.high).toBeGreaterThan(0);
    // The point-estimate rule would have promoted it.
    expect(applyGate(evalReport({ exact_match: o.tuned }, { exact_match: o.base }), rules([{ rule: 'improves', metric: 'test.exact_match', points: 5 }])).decision).toBe('promoted');
  });

  it('does not promote a model equal to its base on every example, whatever the rules', () => {
    const o = outcomes(20, 0, 0, 40);
    const same = { exact_match: o.base, rouge_l: docs.map((x) => -x.loglik / 100), docs };
    const report = evalReport(same, same);
    const d = applyGate(report, BETTER);
    expect(d.decision).toBe('not promoted');
    expect(d.reasons[0]).toBe('test.exact_match: tuned scores exactly as the base on all 4 metrics');
    expect(d.verdict).toMatchObject({ delta: 0, method: 'mcnemar', n: 60 });
    // The bootstrap of an all-equal pair is [0, 0]: 0 is not above 0.
    const rouge = applyGate(report, rules([{ rule: 'better', metric: 'test.rouge_l' }]));
    expect(rouge.verdict).toMatchObject({ delta: 0, low: 0, high: 0, method: 'bootstrap' });
    expect(rouge.checks.find((c) => c.rule === 'better')!.passed).toBe(false);
    expect(applyGate(report, rules([{ rule: 'improves', metric: 'test.exact_match', points: 0 }])).decision).toBe('not promoted');
  });

  it('a lower perplexity is better: the sign-corrected interval decides, and `points` asks for a minimum gain', () => {
    const tuned = docs.map((x) => ({ ...x, loglik: x.loglik + 2 + rng.next() }));
    const report = evalReport({ docs: tuned }, { docs });
    const row = report.metrics.find((m) => m.name === 'test.perplexity')!;
    expect(row.paired!.high).toBeLessThan(0);
    const d = applyGate(report, rules([{ rule: 'better', metric: 'test.perplexity' }]));
    expect(d.decision).toBe('promoted');
    expect(d.verdict).toMatchObject({ metric: 'test.perplexity', method: 'bootstrap', higherIsBetter: false, delta: row.delta, low: row.paired!.low, high: row.paired!.high });
    const gainNeeded = -row.delta! + 1;
    expect(applyGate(report, rules([{ rule: 'better', metric: 'test.perplexity', points: gainNeeded }])).decision).toBe('not promoted');
    // The reverse comparison (base as the candidate) is refused.
    expect(applyGate(evalReport({ docs }, { docs: tuned }), rules([{ rule: 'better', metric: 'test.perplexity' }])).decision).toBe('not promoted');
  });

  it('does not promote on too few examples: a one-example perplexity "interval" is a point', () => {
    const one = docs.slice(0, 1);
    const better = [{ ...one[0]!, loglik: one[0]!.loglik + 5 }];
    const report = evalReport({ docs: better }, { docs: one });
    const row = report.metrics.find((m) => m.name === 'test.perplexity')!;
    // The bootstrap of one pair collapses to its own gain, which is "above 0".
    expect(row.paired).toMatchObject({ n: 1 });
    expect(row.paired!.high).toBeLessThan(0);
    const d = applyGate(report, rules([{ rule: 'better', metric: 'test.perplexity' }]));
    expect(d.decision).toBe('not promoted');
    expect(d.reasons[0]).toMatch(/n=1; needs at least 20 paired examples and the interval above 0\)$/);
    // The same clear gain on 20 examples promotes; a pipeline may ask for more.
    const twenty = docs.slice(0, 20);
    const report20 = evalReport({ docs: twenty.map((x) => ({ ...x, loglik: x.loglik + 5 })) }, { docs: twenty });
    expect(applyGate(report20, rules([{ rule: 'better', metric: 'test.perplexity' }])).decision).toBe('promoted');
    expect(applyGate(report20, rules([{ rule: 'better', metric: 'test.perplexity', minExamples: 30 }])).decision).toBe('not promoted');
  });

  it('a metric without per-example values cannot pass `better`', () => {
    const d = applyGate(report({ 'test.exact_match': 0.2 }, { 'test.exact_match': 0.9 }), BETTER);
    expect(d.decision).toBe('not promoted');
    expect(d.reasons).toEqual(['test.exact_match: no paired interval (the evaluation kept no per-example values for it)']);
  });
});

describe('the promote step', () => {
  let home: string;
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-promote-'));
    home = path.join(dir, 'home');
  });
  const promote = async (report: EvalReport, options: Record<string, unknown>) => {
    const file = path.join(dir, `${report.phase}-${Math.random().toString(36).slice(2)}.json`);
    await fs.writeFile(file, JSON.stringify(report));
    return runStepOnFiles(anyStep(promoteStep), { inputs: { evals: [file] }, config: options }, loadConfig({ FORGELINE_HOME: home }), createLogger({ level: 'warn' }));
  };

  it('says `not promoted` with the verdict in its metadata, and halts the run only when asked', async () => {
    const o = outcomes(20, 6, 3, 31);
    const report = evalReport({ exact_match: o.tuned }, { exact_match: o.base });
    const r = await promote(report, { rules: [{ rule: 'better', metric: 'test.exact_match' }] });
    const row = report.metrics.find((m) => m.name === 'test.exact_match')!;
    expect(r.metadata).toEqual({
      decision: 'not promoted',
      phase: 'final',
      reasons: [expect.stringMatching(/^test\.exact_match: .*needs the interval above 0\)$/)],
      verdict: { decision: 'not promoted', metric: 'test.exact_match', unit: 'fraction', higherIsBetter: true, base: 23 / 60, tuned: 26 / 60, delta: row.delta, low: row.paired!.low, high: row.paired!.high, n: 60, method: 'mcnemar', pValue: row.paired!.pValue },
      model: 'b'.repeat(64),
    });
    expect(r.halt).toBeUndefined();
    const halted = await promote(report, { rules: [{ rule: 'better', metric: 'test.exact_match' }], haltIfNotPromoted: true });
    expect(halted.halt!.reason).toMatch(/^model not promoted: test\.exact_match: /);
    const stored = JSON.parse(await fs.readFile(await halted.store.localPath(halted.outputs.decision as ArtifactRef), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ schema: 'promotion', decision: 'not promoted', verdict: { metric: 'test.exact_match' } });
  });

  // relationship-coach on 12 records (issue 24): its 5% test split is empty, or holds examples that
  // score no tokens; their scores are NaN, which the stored report holds as null, and the gate
  // threw "Cannot read properties of null (reading 'toFixed')".
  it.each([
    ['empty', [], 0],
    ['one example that scores no tokens', [{ loglik: 0, tokens: 0, bytes: 0 }], 1],
  ])('says `not promoted`, naming the metric, when the test split is %s', async (_name, docs, n) => {
    const rouge = Array<number>(n).fill(0.4);
    const report = evalReport({ docs, rouge_l: rouge }, { docs, rouge_l: rouge }, 'weekly');
    const r = await promote(report, {
      rules: [
        { rule: 'better', metric: 'test.perplexity', points: 0 },
        { rule: 'no_regression', metrics: ['test.rouge_l'], points: 2 },
      ],
    });
    expect(r.metadata).toMatchObject({ decision: 'not promoted' });
    expect((r.metadata as { reasons: string[] }).reasons[0]).toBe(`test.perplexity: no score: the evaluation had ${n} test example${n === 1 ? '' : 's'} (is the test split empty or too small?)`);
  });
});
