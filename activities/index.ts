import type { AnyStepKind } from '../core/dsl/step-kind.js';
import { stepActivityName } from '../core/workflow-safe/queues.js';
import type { ActivityDeps } from './deps.js';
import { compilePlan, type CompilePlanInput } from './plan/compile-plan-activity.js';
import { executeStep, type ExecuteStepInput, type ExecuteStepResult } from './execute/execute-step-activity.js';

export type { ActivityDeps } from './deps.js';
export type { ExecuteStepInput, ExecuteStepResult } from './execute/execute-step-activity.js';
export type { CompilePlanInput } from './plan/compile-plan-activity.js';
export { createShardActivities, createShardControlActivities, type FinishShardsInput, type RunShardInput, type ShardActivity, type ShardControlActivities, type ShardStartResult } from './shards/index.js';
export { createShardedDedupActivities, type ShardedDedupActivities } from './dedup/sharded/index.js';
export { createShardedSplitActivities, type ShardedSplitActivities } from './split/sharded/index.js';
export { createShardedMixActivities, type ShardedMixActivities } from './mix/sharded/index.js';
export { createReportActivities, type ReportActivities, type WriteRunReportInput } from './report/index.js';
export { createLineageActivities, closeLineage, prepareLineage, type LineageActivities, type RecordLineageInput, type RunLineageInput } from './lineage/index.js';

export type StepActivity = (input: ExecuteStepInput) => Promise<ExecuteStepResult>;

/** The planning activity; it runs on the CPU queue. */
export function createPlanningActivities(deps: ActivityDeps) {
  return {
    compilePlan: (input: CompilePlanInput) => compilePlan(deps, input),
  };
}

/** One activity per step kind, named `step.<kind>` so that the Web UI says which step runs. */
export function createStepActivities(deps: ActivityDeps, kinds: Iterable<AnyStepKind>): Record<`step.${string}`, StepActivity> {
  const activities: Record<`step.${string}`, StepActivity> = {};
  for (const kind of kinds) activities[stepActivityName(kind.kind)] = (input) => executeStep(deps, kind, input);
  return activities;
}

export type PlanningActivities = ReturnType<typeof createPlanningActivities>;
