import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { OPS_STEPS } from '../activities/ops/index.js';
import { NEAR_DUPLICATE_THRESHOLD } from '../activities/ops/seed004.js';
import { opsRoot } from './parts/ops-root.js';

/**
 * Seed 004, weekly: "Run duplicate detection" (line 320) over the whole corpus, processed and
 * synthetic data together, exact and near-duplicates at 0.85 (line 210). The `dedup` step's
 * rejects list every duplicate with its source file and line and the record it duplicates.
 */
export default definePipeline({
  name: 'ops-dedup',
  description: 'Seed 004 weekly: full-corpus duplicate detection (exact + near-duplicates at 0.85) over processed_data/ and synthetic_data/',
  params: z.object({
    root: opsRoot,
    threshold: z.number().gt(0).max(1).default(NEAR_DUPLICATE_THRESHOLD).describe('seed 004 line 210: --similarity 0.85'),
  }),
  steps: [...OPS_STEPS],
  build(p, params) {
    const corpus = p.step('corpus', 'ops-corpus', { root: params.root });
    p.step('dedup', 'dedup', { fields: ['instruction', 'input', 'output'], threshold: params.threshold }, { records: corpus.out('records') });
  },
});
