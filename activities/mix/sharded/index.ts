import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import { withBeats } from '../../shards/beats.js';
import { startShardedStep, type RunShardInput } from '../../shards/fan-out.js';
import { allocateUnits, countUnit, type AllocateMixInput } from './allocate.js';
import { drawUnit, finishMix, type DrawUnitInput, type FinishMixInput } from './draw-unit.js';
import { mixUnits } from './units.js';

export type { AllocateMixInput, DrawUnitInput, FinishMixInput };

/**
 * Mix over a manifest whose buckets read shard manifests (workflows/sharded-mix.ts): counts per
 * unit (one shard of one source), one allocation, draws per unit into shuffle chunks, then the
 * chunks shuffled into one records output. Every activity takes and returns references only.
 */
export function createShardedMixActivities(deps: ActivityDeps) {
  return {
    'mix.start': (input: ExecuteStepInput) => startShardedStep(deps, input, async () => (await mixUnits(deps.store, input)).units.length),
    'mix.count': (input: RunShardInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => countUnit(ctx, deps, input)),
    'mix.allocate': (input: AllocateMixInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => allocateUnits(ctx, deps, input)),
    'mix.draw': (input: DrawUnitInput): Promise<ArtifactRef> => withBeats(deps, (ctx) => drawUnit(ctx, deps, input)),
    'mix.finish': (input: FinishMixInput) => withBeats(deps, (ctx) => finishMix(ctx, deps, input)),
  };
}

export type ShardedMixActivities = ReturnType<typeof createShardedMixActivities>;
