import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import type { OutputRef } from '../../core/workflow-safe/plan.js';

/**
 * split on one host (`shards: 0`: read-jsonl, then split) or on the file sharded as it is (blank
 * lines included, so shards hold uneven counts); then a step that takes its outputs as records, as
 * train and evaluate do.
 */
export default definePipeline({
  name: 'test-shard-split',
  description: 'test: split on one host or on a sharded dataset',
  storesRaw: true,
  params: z.object({ input: z.string(), shards: z.number().int().min(0).default(0), split: z.record(z.string(), z.unknown()).default({}) }),
  build(p, params) {
    const records: OutputRef =
      params.shards > 0
        ? p.step('shard', 'shard', { path: params.input, shards: params.shards, schema: 'any' }).out('shards')
        : p.step('read', 'read-jsonl', { path: params.input }).out('records');
    const split = p.step('split', 'split', params.split, { records });
    p.step('after', 'concat', {}, { parts: [split.out('train'), split.out('valid'), split.out('test')] });
  },
});
