import { z } from 'zod';
import { definePipeline } from '../../../core/dsl/pipeline.js';
import { anyStep } from '../../../core/dsl/step-kind.js';
import { LINEAGE_FIXTURE_STEPS } from '../../lineage/pipelines/lineage-steps.js';

/**
 * Data for deletion by source: two models trained from one source file (one on all of it, one on
 * the long records only, which leaves out the short record a test forgets), a quantization, and a
 * model from another file. The model steps are the lineage tests' stand-ins (real lineage metadata).
 */
export default definePipeline({
  name: 'test-ops-forget',
  description: 'test: a source -> two trained models (all records, long records) + a quantization; another source -> a model',
  params: z.object({ input: z.string(), other: z.string() }),
  steps: LINEAGE_FIXTURE_STEPS.map(anyStep),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const long = p.step('long', 'filter-length', { field: 'output', min: 30 }, { records: load.out('records') });
    const all = p.step('train-all', 'test-lineage-train', { phase: 'all', name: 'coach-all' }, { records: load.out('records') });
    p.step('quantize', 'test-lineage-quantize', { type: 'Q4_K_M' }, { model: all.out('model') });
    p.step('train-long', 'test-lineage-train', { phase: 'long', name: 'coach-long' }, { records: long.out('records') });
    const other = p.step('load-other', 'read-jsonl', { path: params.other, schema: 'instruction' });
    p.step('train-other', 'test-lineage-train', { phase: 'other', name: 'other-model' }, { records: other.out('records') });
  },
});
