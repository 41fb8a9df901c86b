import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/** Human review of a bucket before "training" (seed 002's red-team bucket), with a timeout. */
export default definePipeline({
  name: 'test-approval',
  description: 'test: an approval step between load and train',
  params: z.object({
    input: z.string(),
    timeout: z.string().default('1h'),
    onTimeout: z.enum(['approve', 'reject']).default('reject'),
    prompt: z.string().default('review the red-team bucket before training'),
  }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const review = p.step('review', 'approval', { prompt: params.prompt, timeout: params.timeout, onTimeout: params.onTimeout }, { records: load.out('records') });
    const train = p.step('train', 'field-stats', {}, { records: review.out('records') });
    p.step('after', 'test-sleep', { ms: 0, label: 'after' }, { after: train.out('report') });
  },
});
