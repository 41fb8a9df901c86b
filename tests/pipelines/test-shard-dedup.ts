import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import type { OutputRef } from '../../core/workflow-safe/plan.js';

/** read-jsonl -> dedup, on one host (`shards: 0`) or with the records sharded first (the test's own synthetic file, stored as it is). */
export default definePipeline({
  name: 'test-shard-dedup',
  description: 'test: dedup on one host or on a sharded dataset',
  storesRaw: true,
  params: z.object({ input: z.string(), shards: z.number().int().min(0).default(0), dedup: z.record(z.string(), z.unknown()).default({}) }),
  build(p, params) {
    let records: OutputRef = p.step('read', 'read-jsonl', { path: params.input }).out('records');
    if (params.shards > 0) records = p.step('shard', 'shard', { shards: params.shards }, { records }).out('shards');
    p.step('dedup', 'dedup', params.dedup, { records });
  },
});
