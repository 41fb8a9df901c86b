import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { shardActivityName } from '../../core/workflow-safe/queues.js';
import type { ActivityDeps } from '../deps.js';
import type { ExecuteStepInput } from '../execute/execute-step-activity.js';
import { finishShardedStep, mergeShardParts, runShard, startShardedStep, type FinishShardsInput, type RunShardInput } from './fan-out.js';
import { shardStep } from './shard-step.js';

export type { FinishShardsInput, RunShardInput, ShardStartResult } from './fan-out.js';
export { SHARD_MANIFEST_SCHEMA, readShardManifest, shardManifestSchema, type ShardManifest } from '../../core/shards/manifest.js';

export const SHARD_STEPS: readonly AnyStepKind[] = [anyStep(shardStep)];

export type ShardActivity = (input: RunShardInput) => Promise<ArtifactRef>;

/** The control activities of a sharded step; they run on the step's own queue. */
export function createShardControlActivities(deps: ActivityDeps) {
  return {
    'shards.start': (input: ExecuteStepInput) => startShardedStep(deps, input),
    'shards.merge': (parts: ArtifactRef[]) => mergeShardParts(deps, parts),
    'shards.finish': (input: FinishShardsInput) => finishShardedStep(deps, input),
  };
}

/** One activity per shardable kind, `shard.<kind>`, so that the Web UI says what each shard runs. */
export function createShardActivities(deps: ActivityDeps, kinds: Iterable<AnyStepKind>): Record<`shard.${string}`, ShardActivity> {
  const activities: Record<`shard.${string}`, ShardActivity> = {};
  for (const kind of kinds) if (kind.shardable && !kind.shardable.fanOut) activities[shardActivityName(kind.kind)] = (input) => runShard(deps, kind, input);
  return activities;
}

export type ShardControlActivities = ReturnType<typeof createShardControlActivities>;
