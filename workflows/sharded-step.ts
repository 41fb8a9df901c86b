import { proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, ShardActivity, ShardControlActivities } from '../activities/index.js';
import type { ArtifactRef } from '../core/artifacts/ref.js';
import type { PlanStep } from '../core/workflow-safe/plan.js';
import { shardActivityName } from '../core/workflow-safe/queues.js';

/**
 * How many parts documents one merge reads. A part's reference is about 250 bytes, so a merge's
 * input stays near 4 KB (under the 10 KB a history event may carry here, issue 21) at any shard
 * count; more shards only add merge levels.
 */
export const MERGE_FAN_IN = 16;

/** Merges and the start and finish read and write small documents only: minutes, not the step's hours. */
const CONTROL_TIMEOUT_MS = 10 * 60_000;

/**
 * A step given a shard manifest (PlanStep.sharded), as datatrove runs a stage over Slurm tasks: one
 * `shard.<kind>` activity per shard, all scheduled at once on the step's task queue, so that every
 * worker host polling it takes a share; then merges of their results, MERGE_FAN_IN at a time; then
 * `shards.finish`, which writes the step's outputs (a manifest of the shards' outputs, merged
 * rejects and counts). Only references cross Temporal: the manifest, a shard's index, digests.
 */
export async function runShardedStep(pipeline: string, step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean): Promise<ExecuteStepResult> {
  const started = Date.now();
  const control = controlActivities(step);
  const input: ExecuteStepInput = { runId: workflowInfo().workflowId, pipeline, stepId: step.id, kind: step.kind, options: step.options, inputs, cache };

  const start = await control('start', 'start')['shards.start'](input);
  if (start.hit) return { ...start.hit, durationMs: Date.now() - started };
  const n = start.shards;
  const parts = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const run = proxyActivities<Record<`shard.${string}`, ShardActivity>>(shardActivityOptions(step, `shard-${i}`, `shard ${i + 1}/${n}`, true));
      return run[shardActivityName(step.kind)]!({ ...input, shard: i });
    }),
  );
  const merged = await mergeParts(parts, control);
  const result = await control('finish', 'finish')['shards.finish']({ ...input, cacheKey: start.cacheKey, parts: merged });
  return { ...result, durationMs: Date.now() - started };
}

/** A sharded step's activity options: shard work under the step's own timeouts and heartbeat, control work under CONTROL_TIMEOUT_MS. */
export function shardActivityOptions(step: PlanStep, id: string, summary: string, shardWork: boolean): ActivityOptions {
  const a = step.activity;
  return {
    taskQueue: a.taskQueue,
    activityId: `${step.id}/${id}`,
    summary: `step ${step.id} (${step.kind}) ${summary}`,
    startToCloseTimeout: shardWork ? a.startToCloseMs : CONTROL_TIMEOUT_MS,
    ...(shardWork ? { heartbeatTimeout: a.heartbeatMs } : {}),
    retry: { maximumAttempts: a.retry.maximumAttempts, initialInterval: a.retry.initialIntervalMs, backoffCoefficient: a.retry.backoffCoefficient, maximumInterval: a.retry.maximumIntervalMs },
  };
}

export type ControlActivities = (id: string, summary: string) => ShardControlActivities;

export function controlActivities(step: PlanStep): ControlActivities {
  return (id, summary) => proxyActivities<ShardControlActivities>(shardActivityOptions(step, id, summary, false));
}

/** Parts documents merged MERGE_FAN_IN at a time until at most MERGE_FAN_IN remain. */
export async function mergeParts(parts: ArtifactRef[], control: ControlActivities, name = 'merge'): Promise<ArtifactRef[]> {
  for (let level = 0; parts.length > MERGE_FAN_IN; level++) {
    const groups = Array.from({ length: Math.ceil(parts.length / MERGE_FAN_IN) }, (_, g) => parts.slice(g * MERGE_FAN_IN, (g + 1) * MERGE_FAN_IN));
    parts = await Promise.all(groups.map((g, j) => control(`${name}-${level}-${j}`, `${name} ${level}.${j}`)['shards.merge'](g)));
  }
  return parts;
}

/** Merges down to one parts document, for an activity that takes every shard's result as one reference. */
export async function mergeToOne(parts: ArtifactRef[], control: ControlActivities, name: string): Promise<ArtifactRef> {
  const few = await mergeParts(parts, control, name);
  return few.length === 1 ? few[0]! : control(`${name}-last`, `${name} last`)['shards.merge'](few);
}
