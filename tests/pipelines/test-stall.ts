import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/** One step that hangs without blocking the event loop: the stall check must end it. */
export default definePipeline({
  name: 'test-stall',
  description: 'test: a step that awaits forever',
  params: z.object({ marker: z.string() }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    p.step('stuck', 'test-stall', { marker: params.marker });
  },
});
