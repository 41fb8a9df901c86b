import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { OPS_STEPS } from '../activities/ops/index.js';
import { opsRoot } from './parts/ops-root.js';

/**
 * Seed 004, monthly: "Archive old raw data" (line 327) with its retention rules: raw data and logs
 * archived (gzipped) after 90 days (lines 26, 172), the archive deleted after 24 months unless
 * flagged (lines 187-189).
 */
export default definePipeline({
  name: 'ops-retention',
  description: 'Seed 004 monthly: archive raw_data/ and logs/ after 90 days (gzipped), delete archive/ after 24 months unless held',
  params: z.object({ root: opsRoot }),
  steps: [...OPS_STEPS],
  build(p, params) {
    p.step('retention', 'ops-retention', { root: params.root });
  },
});
