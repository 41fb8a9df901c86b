import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/** shard -> validate -> pii -> score, every stage fanned out one activity per shard (bench/shards.ts). */
export default definePipeline({
  name: 'bench-shards',
  description: 'benchmark: the curation chain on a sharded file',
  params: z.object({ input: z.string(), shards: z.number().int().positive() }),
  build(p, params) {
    const sharded = p.step('shard', 'shard', { path: params.input, shards: params.shards });
    const valid = p.step('validate', 'validate', {}, { records: sharded.out('shards') });
    const clean = p.step('pii', 'pii', {}, { records: valid.out('records') });
    p.step('score', 'score', {}, { records: clean.out('records') });
  },
});
