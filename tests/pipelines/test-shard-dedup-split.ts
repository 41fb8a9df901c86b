import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/**
 * The file sharded as it is, dedup on the shards, then split on dedup's survivors (a shard manifest),
 * given dedup's index or not (`index`), so that split can reuse the signatures dedup computed.
 */
export default definePipeline({
  name: 'test-shard-dedup-split',
  description: "test: sharded dedup, then sharded split with or without dedup's index",
  storesRaw: true,
  params: z.object({
    input: z.string(),
    shards: z.number().int().min(1),
    index: z.boolean().default(true),
    dedup: z.record(z.string(), z.unknown()).default({}),
    split: z.record(z.string(), z.unknown()).default({}),
  }),
  build(p, params) {
    const sharded = p.step('shard', 'shard', { path: params.input, shards: params.shards, schema: 'any' });
    const dedup = p.step('dedup', 'dedup', params.dedup, { records: sharded.out('shards') });
    p.step('split', 'split', params.split, { records: dedup.out('records'), ...(params.index ? { index: dedup.out('index') } : {}) });
  },
});
