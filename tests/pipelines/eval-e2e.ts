import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

const FIX = 'tests/fixtures/eval';

/**
 * Test pipeline: two tiny random GGUF models as "base" and "tuned" (the tuned one quantized to
 * Q8_0), evaluated on a test split and every benchmark family with a contamination check, the
 * Q8_0 file's parity with its F32 source, three promotion gates (one that must pass, one that
 * cannot, one on the paired interval), and the run report.
 */
export default definePipeline({
  name: 'eval-e2e',
  description: 'test: evaluate base vs tuned tiny models, gate both ways, report',
  params: z.object({ tag: z.string().default('') }),
  build(p, params) {
    const base = p.step('base', 'tiny-model', { seed: 1, name: `base${params.tag}` });
    const tuned = p.step('tuned', 'tiny-model', { seed: 2, name: `tuned${params.tag}` });
    const q8 = p.step('q8', 'quantize', { type: 'Q8_0', probeTokens: 2 }, { model: tuned.out('model') });
    const test = p.step('test-split', 'read-jsonl', { path: `${FIX}/test-split.jsonl` });
    const ev = p.step(
      'eval',
      'evaluate',
      {
        phase: 'final',
        test: { metrics: ['exact_match', 'json_valid', 'schema_valid', 'cypher_valid', 'rouge_l', 'perplexity'], maxTokens: 6 },
        benchmarks: {
          gsm8k: { path: `${FIX}/gsm8k.jsonl`, fewShot: 1, limit: 2, maxTokens: 6 },
          hellaswag: { path: `${FIX}/hellaswag.jsonl`, limit: 2 },
          truthfulqa: { path: `${FIX}/truthfulqa.jsonl`, limit: 1 },
          multipleChoice: [{ name: 'toy_mc', path: `${FIX}/multiple-choice.jsonl` }],
          humaneval: { path: `${FIX}/humaneval.jsonl`, limit: 2, maxTokens: 6, allowCodeExecution: true },
        },
        engine: { sequences: 4, contextSize: 512, threads: 2, gpu: 'cpu' },
        // The fixture's fields are short: 4-grams, so that the check has something to find.
        contamination: { n: 4 },
      },
      // The test split as its own "training data": every example with a field of 4 words is contaminated.
      { tuned: q8.out('model'), base: base.out('model'), test: test.out('records'), train: test.out('records') },
    );
    const parity = p.step('parity', 'parity', { engine: { sequences: 4, contextSize: 512, threads: 2, gpu: 'cpu' } }, { reference: tuned.out('model'), quantized: [q8.out('model')], test: test.out('records') });
    const pass = p.step('gate-pass', 'promote', { rules: [{ rule: 'threshold', metric: 'test.exact_match', min: 0 }, { rule: 'threshold', metric: 'test.perplexity', min: 1 }] }, { evals: [ev.out('report')] });
    p.step('gate-fail', 'promote', { rules: [{ rule: 'improves', metric: 'test.rouge_l', points: 101 }, { rule: 'no_regression', points: 100 }] }, { evals: [ev.out('report')] });
    p.step('gate-better', 'promote', { rules: [{ rule: 'better', metric: 'test.perplexity' }] }, { evals: [ev.out('report')] });
    p.step('report', 'report', { title: 'eval-e2e report' }, { evals: [ev.out('report')], reports: [pass.out('decision'), q8.out('report'), parity.out('report')], models: [base.out('model'), q8.out('model')] });
  },
});
