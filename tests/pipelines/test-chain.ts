import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/** A chain of `length` sleeps, each waiting for the previous one. */
export default definePipeline({
  name: 'test-chain',
  description: 'test: a chain of steps',
  params: z.object({ length: z.number().int().positive().default(3), ms: z.number().int().nonnegative().default(0), tag: z.string().default('') }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    let prev: ReturnType<typeof p.step> | undefined;
    for (let i = 0; i < params.length; i++) {
      prev = p.step(`s${i}`, 'test-sleep', { ms: params.ms, label: `${params.tag}${i}` }, prev ? { after: prev.out('report') } : {});
    }
  },
});
