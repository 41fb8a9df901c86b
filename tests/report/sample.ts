import type { EvalReport } from '../../activities/eval/result.js';
import type { ReportData } from '../../activities/report/model.js';

/** A run report with every section filled, hand-made. */
export function sampleEval(phase: string): EvalReport {
  const model = (label: 'base' | 'tuned') => ({ label, sha256: label === 'base' ? 'a'.repeat(64) : 'b'.repeat(64), bytes: 1 << 20, uri: 'file:///x' });
  return {
    schema: 'eval',
    version: 1,
    phase,
    settings: {},
    metrics: [
      { name: 'test.exact_match', unit: 'fraction', higherIsBetter: true, n: 50, base: 0.2, tuned: 0.42, delta: 22 },
      { name: 'test.json_valid', unit: 'fraction', higherIsBetter: true, n: 50, base: 0.6, tuned: 0.57, delta: -3 },
      { name: 'test.perplexity', unit: 'value', higherIsBetter: false, n: 50, base: 14.2, tuned: 9.1, delta: -5.1 },
      { name: 'hellaswag.acc_norm', unit: 'fraction', higherIsBetter: true, n: 100, base: 0.41, tuned: 0.44, delta: 3 },
    ],
    models: {
      base: { model: model('base'), metrics: {}, n: {}, timings: {} },
      tuned: {
        model: model('tuned'),
        metrics: {},
        n: {},
        timings: {},
        classification: {
          labels: ['TLP:CLEAR', 'TLP:RED'],
          columns: ['TLP:CLEAR', 'TLP:RED', '(other)'],
          matrix: [
            [5, 1, 0],
            [2, 4, 1],
          ],
          accuracy: 9 / 13,
          macroF1: 0.69,
          perClass: {},
          total: 13,
        },
      },
    },
    skipped: { no_reference: 2 },
  };
}

export function sampleReport(): ReportData {
  return {
    title: 'Run report <sample>',
    runId: 'sample-run',
    pipeline: 'json-expert',
    status: 'running',
    generatedAt: '2026-11-22T12:00:00.000Z',
    notes: ['device auto: no GPU worker polls, running on CPU'],
    steps: [
      { id: 'load', kind: 'validate', status: 'succeeded', durationMs: 1200, cached: false },
      { id: 'pii', kind: 'pii', status: 'cached', durationMs: 40, cached: true },
      { id: 'train', kind: 'train', status: 'succeeded', durationMs: 64000, cached: false },
      { id: 'eval', kind: 'evaluate', status: 'succeeded', durationMs: 21000, cached: false },
    ],
    buckets: { source: 'mix (phase1_calibration)', rows: [{ label: 'instruction', value: 540 }, { label: 'cot_math', value: 140 }, { label: '<script>alert(1)</script>', value: 20 }] },
    quality: { threshold: 7, bins: Array.from({ length: 10 }, (_, i) => ({ label: String(i), value: [1, 0, 2, 4, 9, 15, 30, 60, 44, 12][i]! })) },
    pii: { total: 31, byType: [{ label: 'email', value: 20 }, { label: 'phone', value: 8 }, { label: 'iban', value: 3 }] },
    dedup: { total: 1000, kept: 900, rejected: 100, dropped: { exact_duplicate: 60, near_duplicate: 40 }, clusters: 70 },
    split: { train: 810, valid: 45, test: 45, crossSplit: 0 },
    curves: [
      { phase: 'calibration', train: Array.from({ length: 40 }, (_, i) => [i, 5.8 - i * 0.08] as [number, number]), valid: [[20, 4.5], [39, 3.4]] },
      { phase: 'reasoning', train: Array.from({ length: 30 }, (_, i) => [40 + i, 2.6 - i * 0.03] as [number, number]), valid: [] },
    ],
    evals: [sampleEval('calibration'), sampleEval('reasoning')],
    promotion: { decision: 'not promoted', phase: 'reasoning', reasons: ['test.json_valid: tuned 57.00% vs base 60.00% (-3.00 points; may drop at most 2.00)'] },
    models: [
      { name: 'train', quantization: 'F16', bytes: 5_900_000, sha256: 'c'.repeat(64) },
      { name: 'q8', quantization: 'Q8_0', bytes: 1_600_000, ratioToF16: 0.53, sha256: 'd'.repeat(64) },
      { name: 'q4', quantization: 'Q4_K_M', bytes: 900_000, ratioToF16: 0.3, sha256: 'e'.repeat(64) },
    ],
  };
}

export function emptyReport(): ReportData {
  return { title: 'empty', runId: 'r', pipeline: 'p', status: 'succeeded', generatedAt: 'now', notes: [], steps: [], curves: [], evals: [], models: [] };
}
