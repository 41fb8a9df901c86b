import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { OPS_STEPS } from '../activities/ops/index.js';
import { opsRoot } from './parts/ops-root.js';

/**
 * Seed 004, monthly: "Bias audit and distribution check" and "Generate monthly quality report"
 * (lines 326, 329): category balance against 40/25/20/10/5 (lines 34-38), the source mix, at most
 * 30% synthetic per batch (line 76), quality scores against 7.0 (line 57).
 */
export default definePipeline({
  name: 'ops-audit',
  description: 'Seed 004 monthly: category balance vs 40/25/20/10/5, source mix, synthetic share <= 30% per batch, quality report',
  params: z.object({
    root: opsRoot,
    failOnFindings: z.boolean().default(false).describe('fail the run when the audit finds anything'),
  }),
  steps: [...OPS_STEPS],
  build(p, params) {
    p.step('audit', 'ops-audit', { root: params.root, failOnFindings: params.failOnFindings });
  },
});
