import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/** dedup -> split -> analyze -> mix on one JSONL file: the curation chain of issue 4 inside a pipeline. */
export default definePipeline({
  name: 'test-curation-mix',
  description: 'test: dedup, leakage-free split, manifest by category, phase-1 mix of the train split',
  params: z.object({
    input: z.string(),
    total: z.number().int().positive().default(300),
    seed: z.number().int().default(1),
  }),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const dedup = p.step('dedup', 'dedup', { threshold: 0.85 }, { records: load.out('records') });
    const split = p.step('split', 'split', { ratios: [0.8, 0.1, 0.1], seed: params.seed, stratifyBy: 'category' }, { records: dedup.out('records') });
    const manifest = p.step('analyze', 'analyze', { field: 'category' }, { records: split.out('train') });
    p.step('mix', 'mix', { phase: 'phase1_calibration', total: params.total, seed: params.seed, tagField: 'bucket' }, { manifest: manifest.out('manifest') });
  },
});
