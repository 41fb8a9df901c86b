import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/** validate -> pii -> score -> dataset-report over a messy file, with stage configs as params. */
export default definePipeline({
  name: 'test-curation',
  description: 'test: the curation chain on a raw file',
  params: z.object({
    input: z.string(),
    pii: z.record(z.string(), z.unknown()).default({}),
    score: z.record(z.string(), z.unknown()).default({}),
  }),
  build(p, params) {
    const validated = p.step('validate', 'validate', { path: params.input });
    const scrubbed = p.step('pii', 'pii', params.pii, { records: validated.out('records') });
    const scored = p.step('score', 'score', params.score, { records: scrubbed.out('records') });
    p.step('report', 'dataset-report', {}, { records: scored.out('records'), rejects: [validated.out('rejects'), scrubbed.out('rejects'), scored.out('rejects')] });
  },
});
