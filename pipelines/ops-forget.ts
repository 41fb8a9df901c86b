import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { OPS_STEPS } from '../activities/ops/index.js';

/**
 * Deletion by source, for data subject requests (seed 004 line 304, "GDPR: Right to deletion"):
 * `npx forgeline ops forget <file> [--record <id>]` starts it. A run of its own, so that every
 * deletion is in Temporal's history and in lineage ("SOC 2: Audit trail", line 307).
 */
export default definePipeline({
  name: 'ops-forget',
  description: 'Seed 004 data subject requests: delete a source record (or file) from the stores, list the datasets and models built from it',
  params: z.object({
    source: z.string().min(1).default('data/ops/raw_data/conversations/export.jsonl').describe('the source file, as the pipelines read it'),
    record: z.string().min(1).optional().describe('the id of the record to forget (without it: the whole file)'),
    idField: z.string().min(1).default('id'),
    root: z.string().min(1).optional().describe('a seed 004 data folder to remove the record from as well'),
  }),
  steps: [...OPS_STEPS],
  build(p, params) {
    p.step('forget', 'ops-forget', { source: params.source, idField: params.idField, ...(params.record ? { record: params.record } : {}), ...(params.root ? { root: params.root } : {}) });
  },
});
