import { z } from 'zod';
import { artifactRefSchema } from './plan.js';

/**
 * A sharded dataset (artifact kind `shards`, core/shards/manifest.ts): an ordered list of `records`
 * artifacts, read as their concatenation.
 */
export const shardManifestSchema = z
  .object({
    version: z.literal(1),
    /** The records' schema (`curated-record`, `instruction`, ...), the same in every shard. */
    schema: z.string(),
    records: z.number().int().nonnegative(),
    shards: z.array(artifactRefSchema.refine((r) => r.kind === 'records', 'a shard must be a records artifact')).min(1),
  })
  .strict();
export type ShardManifest = z.infer<typeof shardManifestSchema>;
