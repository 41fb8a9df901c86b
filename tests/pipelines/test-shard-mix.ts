import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import type { OutputRef } from '../../core/workflow-safe/plan.js';

/**
 * analyze, then mix, on one host (`shards: 0`: read-jsonl first) or on the file sharded as it is
 * (blank lines included, so shards hold uneven counts); then a step that takes the mix as records,
 * as train does.
 */
export default definePipeline({
  name: 'test-shard-mix',
  description: 'test: analyze and mix on one host or on a sharded dataset',
  storesRaw: true,
  params: z.object({ input: z.string(), shards: z.number().int().min(0).default(0), field: z.string(), mix: z.record(z.string(), z.unknown()).default({}) }),
  build(p, params) {
    const records: OutputRef =
      params.shards > 0
        ? p.step('shard', 'shard', { path: params.input, shards: params.shards, schema: 'any' }).out('shards')
        : p.step('read', 'read-jsonl', { path: params.input }).out('records');
    const manifest = p.step('analyze', 'analyze', { field: params.field }, { records });
    const mix = p.step('mix', 'mix', params.mix, { manifest: manifest.out('manifest') });
    p.step('after', 'concat', {}, { parts: [mix.out('records')] });
  },
});
