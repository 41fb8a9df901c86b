import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/** Fan-out of `width` sleeps, then one that waits for all of them. */
export default definePipeline({
  name: 'test-parallel',
  description: 'test: parallel sleeps and a join',
  params: z.object({ width: z.number().int().positive().default(2), ms: z.number().int().nonnegative().default(1500), tag: z.string().default('') }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    const branches = Array.from({ length: params.width }, (_, i) => p.step(`sleep-${i}`, 'test-sleep', { ms: params.ms, label: `${params.tag}${i}` }));
    p.step('join', 'test-sleep', { ms: 0, label: `${params.tag}join` }, { after: branches[0]!.out('report') });
  },
});
