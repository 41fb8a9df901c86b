import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { readJsonArtifact, writeJsonArtifact } from '../../../core/stage/records-io.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import type { RunShardInput } from '../../shards/fan-out.js';
import { inShardOrder, readParts, writeParts } from '../../shards/merge.js';
import { chunkCount, countSource } from '../draw.js';
import { allocateBuckets, mixTotal, type BucketCounts } from '../plan.js';
import { allocate } from '../presets.js';
import { sourceLines } from '../sources.js';
import { mixUnits } from './units.js';

/** The `schema` of a sharded mix's plan. */
export const SHARDED_MIX_PLAN_SCHEMA = 'sharded-mix-plan-v1';

/** What a sharded mix draws: the buckets' totals, and for each unit what each bucket holds there and takes from there. */
export interface ShardedMixPlan {
  total: number;
  chunks: number;
  buckets: BucketCounts[];
  excluded: string[];
  units: Record<string, { available: number; requested: number }>[];
}

export type AllocateMixInput = ExecuteStepInput & { counts: ArtifactRef };

/** Phase 1, one activity per unit: what each of its buckets holds in this shard. */
export async function countUnit(ctx: ShardWorkContext, deps: ActivityDeps, input: RunShardInput): Promise<ArtifactRef> {
  const { units } = await mixUnits(deps.store, input);
  const unit = units[input.shard]!;
  const available = new Map<string, number>();
  await countSource(sourceLines(deps.store, unit.members[0]!, process.cwd(), unit), unit.members, available);
  ctx.heartbeat({ message: 'counted', done: unit.ref.records, total: unit.ref.records, unit: 'records' });
  return writeParts(deps.store, [{ shard: input.shard, outputs: {}, metadata: { available: Object.fromEntries(available) } }]);
}

/**
 * Phase 2, once: each bucket's count over all units (largest remainder over the weights, as on one
 * host), then each bucket's count split over its units in proportion to what each holds (largest
 * remainder again). A bucket that can give distinct records gives them from every unit, since no
 * unit's share exceeds what it holds; an oversampled one repeats each unit's records alike.
 */
export async function allocateUnits(_ctx: ShardWorkContext, deps: ActivityDeps, input: AllocateMixInput): Promise<ArtifactRef> {
  const { o, w, units } = await mixUnits(deps.store, input);
  const counted = inShardOrder(await readParts(deps.store, [input.counts]), units.length).map((p) => p.metadata.available as Record<string, number>);
  const totals = new Map<string, number>();
  for (const c of counted) for (const [name, n] of Object.entries(c)) totals.set(name, (totals.get(name) ?? 0) + n);
  const plans = allocateBuckets(w, totals);
  const perUnit = counted.map((c) => Object.fromEntries(Object.entries(c).map(([name, available]) => [name, { available, requested: 0 }])));
  for (const p of plans) {
    const holders = perUnit.flatMap((u, i) => ((u[p.name]?.available ?? 0) > 0 ? [{ name: String(i), weight: u[p.name]!.available }] : []));
    for (const [i, n] of allocate(p.requested, holders)) perUnit[Number(i)]![p.name]!.requested = n;
  }
  const plan: ShardedMixPlan = {
    total: mixTotal(plans),
    chunks: chunkCount(o, mixTotal(plans)),
    buckets: plans.map(({ name, weight, available, requested }) => ({ name, weight, available, requested })),
    excluded: w.excluded,
    units: perUnit,
  };
  return writeJsonArtifact(deps.store, plan, 'manifest', SHARDED_MIX_PLAN_SCHEMA);
}

export const readPlan = (deps: ActivityDeps, ref: ArtifactRef) => readJsonArtifact<ShardedMixPlan>(deps.store, ref);
