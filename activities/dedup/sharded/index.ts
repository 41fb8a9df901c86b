import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ActivityDeps } from '../../deps.js';
import type { RunShardInput } from '../../shards/fan-out.js';
import { withBeats } from '../../shards/beats.js';
import { bucketCandidates, type BucketInput } from './bucket.js';
import { clusterShards, type ClusterShardsInput } from './cluster-shards.js';
import { signShard } from './sign-shard.js';
import { finishDedup, writeShard, type FinishDedupInput, type WriteShardInput } from './write-shard.js';

export type { BucketInput, ClusterShardsInput, FinishDedupInput, WriteShardInput };

/**
 * Dedup on a shard manifest (workflows/sharded-dedup.ts): signatures per shard, a band-bucket
 * shuffle, union-find, then survivors and rejects per shard. Every activity takes and returns
 * references only.
 */
export function createShardedDedupActivities(deps: ActivityDeps) {
  return {
    'dedup.sign': (input: RunShardInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => signShard(ctx, deps, input)),
    'dedup.bucket': (input: BucketInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => bucketCandidates(ctx, deps, input)),
    'dedup.cluster': (input: ClusterShardsInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => clusterShards(ctx, deps, input)),
    'dedup.write': (input: WriteShardInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => writeShard(ctx, deps, input)),
    'dedup.finish': (input: FinishDedupInput) => finishDedup(deps, input),
  };
}

export type ShardedDedupActivities = ReturnType<typeof createShardedDedupActivities>;
