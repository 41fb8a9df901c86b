import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { noopStep } from './noop-step.js';

/** `shape: chain` links `n` no-op steps one after another; `fanout` runs them side by side. */
export default definePipeline({
  name: 'bench-dag',
  description: 'benchmark: a chain or a fan-out of no-op steps',
  params: z.object({ shape: z.enum(['chain', 'fanout']), n: z.number().int().positive(), salt: z.string() }),
  steps: [anyStep(noopStep)],
  build(p, params) {
    let prev: ReturnType<typeof p.step> | undefined;
    for (let i = 0; i < params.n; i++) {
      const after = params.shape === 'chain' && prev ? { after: prev.out('report') } : {};
      prev = p.step(`noop-${i}`, 'bench-noop', { i, salt: params.salt }, after);
    }
  },
});
