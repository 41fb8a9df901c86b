import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ActivityDeps } from '../../deps.js';
import { withBeats } from '../../shards/beats.js';
import type { RunShardInput } from '../../shards/fan-out.js';
import { assignShards, type AssignShardsInput } from './assign-shards.js';
import { gatherShard } from './gather-shard.js';
import { finishSplit, writeSplitShard, type FinishSplitInput, type WriteSplitShardInput } from './write-shard.js';

export type { AssignShardsInput, FinishSplitInput, WriteSplitShardInput };

/**
 * Split on a shard manifest (workflows/sharded-split.ts): keys and signatures per shard, one
 * clustering and assignment over them all, then train, valid and test per shard. Every activity
 * takes and returns references only.
 */
export function createShardedSplitActivities(deps: ActivityDeps) {
  return {
    'split.gather': (input: RunShardInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => gatherShard(ctx, deps, input)),
    'split.assign': (input: AssignShardsInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => assignShards(ctx, deps, input)),
    'split.write': (input: WriteSplitShardInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => writeSplitShard(ctx, deps, input)),
    'split.finish': (input: FinishSplitInput) => finishSplit(deps, input),
  };
}

export type ShardedSplitActivities = ReturnType<typeof createShardedSplitActivities>;
