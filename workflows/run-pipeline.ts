import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, PlanningActivities, StepActivity } from '../activities/index.js';
import type { ArtifactRef } from '../core/artifacts/ref.js';
import type { Plan, PlanStep } from '../core/dsl/plan.js';
import { upstreamOf } from '../core/dsl/plan.js';
import { stepActivityName } from '../core/queues.js';
import { DEFAULT_MAX_PARALLEL, type RunPipelineInput, type RunResult, type RunState, type StepState } from '../core/run-state.js';
import { statusQuery } from './definitions.js';

const planning = proxyActivities<PlanningActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/**
 * Runs any pipeline: compile the plan (params validated there), then execute its DAG, each step an
 * activity on its own queue, independent steps in parallel up to `maxParallel`.
 */
export async function runPipeline(input: RunPipelineInput): Promise<RunResult> {
  if (!input || typeof input.pipeline !== 'string' || input.pipeline.length === 0) {
    throw ApplicationFailure.nonRetryable('input must be {"pipeline": "<name>", "params": {...}}', 'INVALID_PARAMS');
  }
  const state: RunState = { pipeline: input.pipeline, status: 'planning', steps: [], notes: [] };
  setHandler(statusQuery, () => state);
  upsertMemo({ pipeline: input.pipeline });

  const plan = await planning.compilePlan({ pipeline: input.pipeline, params: input.params ?? {} });
  state.notes = plan.notes;
  state.steps = plan.steps.map((s) => ({ id: s.id, kind: s.kind, status: 'pending', taskQueue: s.activity.taskQueue, outputs: {}, metadata: {} }));
  state.status = 'running';
  try {
    await runDag(plan, state, input);
  } catch (err) {
    state.status = isCancellation(err) ? 'cancelled' : 'failed';
    for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
    throw err;
  }
  state.status = state.haltReason ? 'skipped' : 'succeeded';
  return state;
}

async function runDag(plan: Plan, state: RunState, input: RunPipelineInput): Promise<void> {
  const byId = new Map(state.steps.map((s) => [s.id, s]));
  const maxParallel = Math.max(1, input.options?.maxParallel ?? DEFAULT_MAX_PARALLEL);
  const cache = input.options?.cache ?? true;
  const running = new Map<string, Promise<void>>();
  const scope = new CancellationScope();
  let failure: { step: PlanStep; error: unknown } | undefined;

  const isDone = (id: string) => ['succeeded', 'cached'].includes(byId.get(id)!.status);
  const ready = () =>
    plan.steps.filter((s) => byId.get(s.id)!.status === 'pending' && !running.has(s.id) && upstreamOf(s).every(isDone));

  const launch = (step: PlanStep): void => {
    const st = byId.get(step.id)!;
    st.status = 'running';
    st.startedAt = new Date().toISOString();
    const run = scope
      .run(() => callStep(step, resolveInputs(step, byId), cache))
      .then(
        (result) => {
          st.status = result.status;
          st.outputs = result.outputs;
          st.metadata = result.metadata;
          st.durationMs = result.durationMs;
          if (result.halt && !state.haltReason) {
            state.haltReason = `${step.id}: ${result.halt.reason}`;
            skipDownstream(plan, byId, step.id);
          }
        },
        (error: unknown) => {
          if (failure || isCancellation(error)) st.status = 'cancelled';
          else {
            st.status = 'failed';
            st.error = describe(error);
            failure = { step, error };
            scope.cancel();
          }
        },
      )
      .finally(() => {
        st.endedAt = new Date().toISOString();
        running.delete(step.id);
      });
    running.set(step.id, run);
  };

  for (;;) {
    if (!failure) for (const step of ready().slice(0, maxParallel - running.size)) launch(step);
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (failure) {
    for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
    const { step, error } = failure;
    state.error = `step "${step.id}" (${step.kind}) failed: ${describe(error)}`;
    throw ApplicationFailure.nonRetryable(state.error, 'STEP_FAILED');
  }
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('run cancelled');
  for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
}

function callStep(step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean): Promise<ExecuteStepResult> {
  const a = step.activity;
  const options: ActivityOptions = {
    taskQueue: a.taskQueue,
    activityId: step.id,
    startToCloseTimeout: a.startToCloseMs,
    heartbeatTimeout: a.heartbeatMs,
    retry: {
      maximumAttempts: a.retry.maximumAttempts,
      initialInterval: a.retry.initialIntervalMs,
      backoffCoefficient: a.retry.backoffCoefficient,
      maximumInterval: a.retry.maximumIntervalMs,
    },
  };
  const activities = proxyActivities<Record<`step.${string}`, StepActivity>>(options);
  const runStep = activities[stepActivityName(step.kind)]!;
  return runStep({ runId: workflowInfo().workflowId, stepId: step.id, kind: step.kind, options: step.options, inputs, cache });
}

function resolveInputs(step: PlanStep, byId: Map<string, StepState>): ExecuteStepInput['inputs'] {
  const out: ExecuteStepInput['inputs'] = {};
  const one = (r: { step: string; output: string }): ArtifactRef => byId.get(r.step)!.outputs[r.output]!;
  for (const [name, ref] of Object.entries(step.inputs)) out[name] = Array.isArray(ref) ? ref.map(one) : one(ref);
  return out;
}

function skipDownstream(plan: Plan, byId: Map<string, StepState>, from: string): void {
  const blocked = new Set([from]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of plan.steps) {
      if (!blocked.has(s.id) && upstreamOf(s).some((u) => blocked.has(u))) {
        blocked.add(s.id);
        byId.get(s.id)!.status = 'skipped';
        changed = true;
      }
    }
  }
}

function describe(error: unknown): string {
  let e: unknown = error;
  // ActivityFailure wraps the ApplicationFailure that carries the real message.
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(error);
}
