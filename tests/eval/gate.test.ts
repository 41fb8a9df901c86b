import { describe, expect, it } from '@jest/globals';
import { applyGate, gateRule, type GateRule } from '../../activities/eval/gate.js';
import { buildRows, type EvalReport, type ModelScores } from '../../activities/eval/result.js';

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

  it('rejects, with each reason, when the gain is short or another metric regresses', () => {
    const r = report({ 'test.exact_match': 0.3, 'test.json_valid': 0.8, 'test.perplexity': 12 }, { 'test.exact_match': 0.34, 'test.json_valid': 0.77, 'test.perplexity': 14.5 });
    const d = applyGate(r, STANDARD);
    expect(d.decision).toBe('rejected');
    expect(d.reasons).toEqual([
      'test.exact_match: tuned 34.00% vs base 30.00% (+4.00 points, needs >= +5.00)',
      'test.json_valid: tuned 77.00% vs base 80.00% (-3.00 points; may drop at most 2.00)',
      'test.perplexity: tuned 14.50 vs base 12.00 (-2.50; may drop at most 2.00)',
    ]);
  });

  it('a lower perplexity is a gain; thresholds use raw values; unknown metrics fail loudly', () => {
    const r = report({ 'test.perplexity': 20, 'gsm8k.exact_match_flexible': 0.1 }, { 'test.perplexity': 14, 'gsm8k.exact_match_flexible': 0.12 });
    expect(applyGate(r, rules([{ rule: 'improves', metric: 'test.perplexity', points: 5 }])).decision).toBe('promoted');
    expect(applyGate(r, rules([{ rule: 'threshold', metric: 'gsm8k.exact_match_flexible', min: 0.15 }])).decision).toBe('rejected');
    expect(applyGate(r, rules([{ rule: 'threshold', metric: 'test.perplexity', max: 15 }])).decision).toBe('promoted');
    const missing = applyGate(r, rules([{ rule: 'improves', metric: 'hellaswag.acc', points: 1 }]));
    expect(missing.decision).toBe('rejected');
    expect(missing.reasons[0]).toContain('hellaswag.acc: not measured');
  });

  it('without a base model an improvement cannot be shown', () => {
    const t: ModelScores = { model: { label: 'tuned', sha256: 'x', bytes: 1, uri: 'x' }, metrics: { 'test.exact_match': 0.9 }, n: {}, timings: {} };
    const r: EvalReport = { schema: 'eval', version: 1, phase: 'p', settings: {}, metrics: buildRows(t, undefined), models: { tuned: t }, skipped: {} };
    const d = applyGate(r, STANDARD);
    expect(d.decision).toBe('rejected');
    expect(d.reasons).toEqual(['test.exact_match: no base model score to compare with']);
  });

  it('rule schema rejects malformed rules', () => {
    expect(gateRule.safeParse({ rule: 'improves', metric: 'x' }).success).toBe(false);
    expect(gateRule.safeParse({ rule: 'sometimes', metric: 'x', points: 1 }).success).toBe(false);
    expect(gateRule.parse({ rule: 'no_regression', points: 2 })).toEqual({ rule: 'no_regression', metrics: 'others', points: 2 });
  });
});
