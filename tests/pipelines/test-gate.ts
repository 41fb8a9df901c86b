import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/**
 * The weekly retrain's shape in miniature: load, the new-data gate, then stand-ins for train,
 * evaluate and promote that run only when the gate lets the run go on.
 */
export default definePipeline({
  name: 'test-gate',
  description: 'test: new-data gate before train / evaluate / promote',
  params: z.object({
    input: z.string(),
    threshold: z.number().int().nonnegative().optional(),
    key: z.string().optional(),
    idField: z.string().optional(),
  }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const gate = p.step(
      'gate',
      'new-data-gate',
      { ...(params.threshold !== undefined ? { threshold: params.threshold } : {}), ...(params.key ? { key: params.key } : {}), ...(params.idField ? { idField: params.idField } : {}) },
      { records: load.out('records') },
    );
    const train = p.step('train', 'field-stats', {}, { records: gate.out('records') });
    const evaluate = p.step('evaluate', 'test-sleep', { ms: 0, label: 'evaluate' }, { after: train.out('report') });
    p.step('promote', 'test-sleep', { ms: 0, label: 'promote' }, { after: evaluate.out('report') });
  },
});
