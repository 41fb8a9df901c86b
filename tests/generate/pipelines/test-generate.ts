import { z } from 'zod';
import { definePipeline, type StepOptions } from '../../../core/dsl/pipeline.js';

/** Test-only: one `generate` step with the options given as params. */
export default definePipeline({
  name: 'test-generate',
  description: 'test: a single generate step',
  params: z.object({ options: z.record(z.string(), z.unknown()) }),
  build(p, params) {
    // Any options, as a test gives them: the step's own validation is under test.
    p.step('gen', 'generate', params.options as StepOptions<'generate'>);
  },
});
