import { z } from 'zod';
import { definePipeline } from '../../../core/dsl/pipeline.js';
import { anyStep } from '../../../core/dsl/step-kind.js';
import { LINEAGE_FIXTURE_STEPS } from './lineage-steps.js';

/** load -> filter -> two training phases -> two quantized files -> an evaluation -> the real promotion gate. */
export default definePipeline({
  name: 'test-lineage',
  description: 'test: the shape of a training pipeline, for lineage',
  params: z.object({ input: z.string(), promote: z.boolean().default(true), exactMatch: z.number().default(0.75) }),
  steps: LINEAGE_FIXTURE_STEPS.map(anyStep),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const filter = p.step('filter', 'filter-length', { field: 'output', min: 1 }, { records: load.out('records') });
    const phase1 = p.step('train-calibration', 'test-lineage-train', { phase: 'calibration' }, { records: filter.out('records') });
    const phase2 = p.step('train-reasoning', 'test-lineage-train', { phase: 'reasoning', name: 'tiny-json' }, {
      records: filter.out('records'),
      base: phase1.out('model'),
    });
    const q8 = p.step('quantize-q8', 'test-lineage-quantize', { type: 'Q8_0' }, { model: phase2.out('model') });
    p.step('quantize-q4', 'test-lineage-quantize', { type: 'Q4_K_M' }, { model: phase2.out('model') });
    const evaluation = p.step('evaluate', 'test-lineage-eval', { exactMatch: params.exactMatch, baseExactMatch: 0.5 }, {
      base: phase1.out('model'),
      tuned: q8.out('model'),
    });
    // The real gate: promotes when exact match reaches 0.6 (or never, with `promote: false`).
    p.step('promote', 'promote', { rules: [{ rule: 'threshold', metric: 'test.exact_match', min: params.promote ? 0.6 : 2 }] }, { evals: [evaluation.out('report')] });
  },
});
