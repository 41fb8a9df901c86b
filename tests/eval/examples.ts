import { corpusPerplexity, type RollingScore } from '../../activities/eval/metrics/perplexity.js';
import { buildRows, type EvalReport, type ModelScores } from '../../activities/eval/result.js';
import { binary, meanOf } from '../../activities/eval/stats/compare.js';

/** One model's per-example results on the test split, as scoreModel records them. */
export interface Examples {
  exact_match?: number[];
  rouge_l?: number[];
  docs?: RollingScore[];
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** ModelScores from per-example values: every mean and interval is computed, none typed in. */
export function scoresOf(label: 'base' | 'tuned', e: Examples): ModelScores {
  const out: ModelScores = { model: { label, sha256: (label === 'base' ? 'a' : 'b').repeat(64), bytes: 1 << 20, uri: `file:///${label}.gguf` }, metrics: {}, n: {}, timings: {}, perExample: {} };
  if (e.exact_match) {
    out.metrics['test.exact_match'] = mean(e.exact_match);
    out.n['test.exact_match'] = e.exact_match.length;
    out.perExample!['test.exact_match'] = binary(e.exact_match);
  }
  if (e.rouge_l) {
    out.metrics['test.rouge_l'] = mean(e.rouge_l);
    out.n['test.rouge_l'] = e.rouge_l.length;
    out.perExample!['test.rouge_l'] = meanOf(e.rouge_l);
  }
  if (e.docs) {
    const p = corpusPerplexity(e.docs);
    out.metrics['test.perplexity'] = p.perplexity;
    out.metrics['test.bits_per_byte'] = p.bitsPerByte;
    out.n['test.perplexity'] = out.n['test.bits_per_byte'] = e.docs.length;
    out.perExample!['test.perplexity'] = { kind: 'corpus', statistic: 'perplexity', rolling: 'test' };
    out.perExample!['test.bits_per_byte'] = { kind: 'corpus', statistic: 'bits_per_byte', rolling: 'test' };
    out.rolling = { test: e.docs };
  }
  return out;
}

/** An eval report as the evaluate step writes it, from both models' per-example values. */
export function evalReport(tuned: Examples, base: Examples | undefined, phase = 'final'): EvalReport {
  const t = scoresOf('tuned', tuned);
  const b = base ? scoresOf('base', base) : undefined;
  return { schema: 'eval', version: 1, phase, settings: {}, metrics: buildRows(t, b, { resamples: 2000 }), models: { tuned: t, ...(b ? { base: b } : {}) }, skipped: {} };
}

/** Paired 0/1 outcomes: `b` examples only tuned gets right, `c` only base, `a` both, `d` neither. */
export function outcomes(a: number, b: number, c: number, d: number): { base: number[]; tuned: number[] } {
  const fill = (n: number, v: number): number[] => Array<number>(n).fill(v);
  return {
    base: [...fill(a, 1), ...fill(b, 0), ...fill(c, 1), ...fill(d, 0)],
    tuned: [...fill(a, 1), ...fill(b, 1), ...fill(c, 0), ...fill(d, 0)],
  };
}
