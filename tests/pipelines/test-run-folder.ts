import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/** Records, rejects and an HTML report, the outputs a run folder names: validate -> pii -> report. */
export default definePipeline({
  name: 'test-run-folder',
  description: 'test: a short chain whose outputs the run folder names',
  params: z.object({ input: z.string().default('data/smoke.jsonl') }),
  build(p, params) {
    const validated = p.step('validate', 'validate', { path: params.input });
    const scrubbed = p.step('pii', 'pii', {}, { records: validated.out('records') });
    p.step('report', 'report', { title: 'run folder test' }, { reports: [scrubbed.out('report')] });
  },
});
