import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/** A flaky step, a long sibling, and (optionally) a step that fails for good. */
export default definePipeline({
  name: 'test-failures',
  description: 'test: retries, permanent failure and sibling cancellation',
  params: z.object({
    flakyFailures: z.number().int().nonnegative().default(2),
    permanentFailure: z.boolean().default(false),
    siblingMs: z.number().int().default(20_000),
    cancelMarker: z.string().optional(),
    tag: z.string().default(''),
  }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    p.step('flaky', 'test-flaky', { failures: params.flakyFailures });
    p.step('sibling', 'test-sleep', { ms: params.siblingMs, label: `${params.tag}sibling`, cancelMarker: params.cancelMarker });
    if (params.permanentFailure) p.step('broken', 'test-fail', { afterMs: 1000 });
  },
});
