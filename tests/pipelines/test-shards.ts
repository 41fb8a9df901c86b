import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import type { OutputRef } from '../../core/workflow-safe/plan.js';

/**
 * validate -> pii -> score, on one host or sharded. `shards: 0` runs the chain unsharded; with
 * `shardFirst` the raw file is sharded and validate fans out too, else validate runs once and its
 * records are sharded for pii and score.
 */
export default definePipeline({
  name: 'test-shards',
  description: 'test: the curation chain on a sharded dataset',
  params: z.object({
    input: z.string(),
    shards: z.number().int().min(0).default(0),
    shardFirst: z.boolean().default(false),
    pii: z.record(z.string(), z.unknown()).default({}),
  }),
  build(p, params) {
    let records: OutputRef;
    if (params.shards > 0 && params.shardFirst) {
      const sharded = p.step('shard', 'shard', { path: params.input, shards: params.shards });
      records = p.step('validate', 'validate', {}, { records: sharded.out('shards') }).out('records');
    } else {
      records = p.step('validate', 'validate', { path: params.input }).out('records');
      if (params.shards > 0) records = p.step('shard', 'shard', { shards: params.shards }, { records }).out('shards');
    }
    const scrubbed = p.step('pii', 'pii', params.pii, { records });
    p.step('score', 'score', {}, { records: scrubbed.out('records') });
  },
});
