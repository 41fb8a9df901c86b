import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { OPS_STEPS } from '../activities/ops/index.js';
import { opsRoot } from './parts/ops-root.js';

/** Seed 004, daily: "Check for PII leaks (automated scan)" (line 315). A leak fails the run; the report is in logs/. */
export default definePipeline({
  name: 'ops-pii-scan',
  description: 'Seed 004 daily: scan processed_data/ and synthetic_data/ for PII; a leak fails the run and writes logs/pii_scan_YYYYMMDD.json',
  params: z.object({ root: opsRoot }),
  steps: [...OPS_STEPS],
  build(p, params) {
    p.step('pii-scan', 'ops-pii-scan', { root: params.root });
  },
});
