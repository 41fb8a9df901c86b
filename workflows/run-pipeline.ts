import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ExecuteStepInput, ExecuteStepResult, PlanningActivities, RecordLineageInput, StepActivity } from '../activities/index.js';
import type { ArtifactRef } from '../core/artifacts/ref.js';
import type { Plan, PlanSharding, PlanStep } from '../core/workflow-safe/plan.js';
import { upstreamOf } from '../core/workflow-safe/plan.js';
import { parseDuration } from '../core/workflow-safe/duration.js';
import { oversizedParams } from '../core/workflow-safe/params-limit.js';
import { stepActivityName } from '../core/workflow-safe/queues.js';
import {
  APPROVAL_STEP_KIND,
  DEFAULT_MAX_PARALLEL,
  type ApprovalDecision,
  type RunPipelineInput,
  type RunResult,
  type RunState,
  type StepState,
} from '../core/workflow-safe/run-state.js';
import { approvalSignal, statusQuery } from './definitions.js';
import { describeError } from './describe-error.js';
import { LineageWriter, runLineage } from './lineage-writer.js';
import { finishRun } from './run-report.js';
import { runShardedDedup } from './sharded-dedup.js';
import { runShardedMix } from './sharded-mix.js';
import { runShardedSplit } from './sharded-split.js';
import { runShardedStep } from './sharded-step.js';

/** The kinds with a fan-out of their own (core/dsl/step-kind.ts `shardable.fanOut`). */
const FAN_OUTS = { dedup: runShardedDedup, split: runShardedSplit, mix: runShardedMix } satisfies Record<NonNullable<PlanSharding['fanOut']>, unknown>;

/** Approval decisions received so far, by step id, with the workflow time they arrived. */
type Decisions = Map<string, ApprovalDecision & { at: string }>;

/**
 * Planning and lineage (./lineage-writer.ts) run as local activities: in the worker that runs this
 * workflow, recorded in its history as markers, without a task-queue round trip through the server
 * each. A chained step then costs the server one activity instead of two (see docs/performance.md).
 */
const planning = proxyLocalActivities<PlanningActivities>({
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
  // Checked before planning: oversized params would be copied into the plan and every workflow
  // task, which then fail on the gRPC message limit and leave the run RUNNING for ever.
  const oversized = oversizedParams(input.params);
  if (oversized) throw ApplicationFailure.nonRetryable(oversized, 'INVALID_PARAMS');
  const state: RunState = { pipeline: input.pipeline, status: 'planning', steps: [], notes: [] };
  setHandler(statusQuery, () => state);
  upsertMemo({ pipeline: input.pipeline });

  let plan: Plan;
  try {
    plan = await planning.compilePlan({ pipeline: input.pipeline, params: input.params ?? {} });
  } catch (err) {
    state.status = isCancellation(err) ? 'cancelled' : 'failed';
    state.error = describeError(err);
    // A run refused at planning (bad params, a path outside the input roots) is reported too.
    await finishRun(state);
    upsertMemo({ outcome: state.status });
    throw err;
  }
  state.notes = plan.notes;
  state.steps = plan.steps.map((s) => ({ id: s.id, kind: s.kind, status: 'pending', taskQueue: s.activity.taskQueue, outputs: {}, metadata: {} }));
  state.status = 'running';
  // Registered once the plan is known: Temporal buffers signals that arrive earlier.
  const decisions: Decisions = new Map();
  setHandler(approvalSignal, (d) => acceptDecision(state, decisions, d));
  showProgress(state);
  try {
    await runDag(plan, state, input, decisions);
  } catch (err) {
    state.status = isCancellation(err) ? 'cancelled' : 'failed';
    for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
    await finishRun(state);
    upsertMemo({ outcome: state.status });
    showProgress(state);
    throw err;
  }
  state.status = state.steps.some((s) => s.status === 'rejected') ? 'rejected' : state.haltReason ? 'skipped' : 'succeeded';
  // The report is written after the status is final, so that it says how the run ended.
  await finishRun(state);
  // The outcome in the memo lets the new-data gate find the last successful run without reading every result.
  upsertMemo({ outcome: state.status });
  showProgress(state);
  return state;
}

async function runDag(plan: Plan, state: RunState, input: RunPipelineInput, decisions: Decisions): Promise<void> {
  const byId = new Map(state.steps.map((s) => [s.id, s]));
  const maxParallel = Math.max(1, input.options?.maxParallel ?? DEFAULT_MAX_PARALLEL);
  const cache = input.options?.cache ?? true;
  const running = new Set<string>();
  // Every step runs in this scope: a step that fails for good cancels it, and with it its siblings.
  const steps = new CancellationScope();
  // Waiting for the next step to finish, and lineage, must outlive that cancellation.
  const shielded = new CancellationScope({ cancellable: false });
  const lineageLog = new LineageWriter(state, shielded, runLineage(plan.params));
  let failure: { step: PlanStep; error: unknown } | undefined;

  const isDone = (id: string) => ['succeeded', 'cached'].includes(byId.get(id)!.status);
  const ready = () =>
    plan.steps.filter((s) => byId.get(s.id)!.status === 'pending' && !running.has(s.id) && upstreamOf(s).every(isDone));

  /**
   * One step from start to end, as a single async function: every promise made in workflow code
   * costs a captured stack trace (the SDK's stack-trace query), so a step makes as few as it can.
   */
  const runStep = async (step: PlanStep): Promise<void> => {
    const st = byId.get(step.id)!;
    try {
      const inputs = resolveInputs(step, byId);
      const result = await (step.kind === APPROVAL_STEP_KIND
        ? awaitApproval(state.pipeline, step, st, inputs, decisions, () => showProgress(state))
        : step.sharded
          ? (step.sharded.fanOut ? FAN_OUTS[step.sharded.fanOut] : runShardedStep)(state.pipeline, step, inputs, cache)
          : callStep(state.pipeline, step, inputs, cache));
      st.status = result.status;
      st.outputs = result.outputs;
      st.metadata = result.metadata;
      st.durationMs = result.durationMs;
      if (result.halt && !state.haltReason) {
        state.haltReason = `${step.id}: ${result.halt.reason}`;
        skipDownstream(plan, byId, step.id);
      }
      if (st.approval?.state === 'rejected') st.status = 'rejected';
      // Queued, and written once per workflow task for every step that finished in it. The local
      // activity holds that task open until it is written, so dependents scheduled in the same
      // task start a few milliseconds later: one wait per batch, not per step.
      lineageLog.add(lineageOf(step, st, inputs, result, state));
    } catch (error) {
      if (failure || isCancellation(error)) st.status = 'cancelled';
      else {
        st.status = 'failed';
        st.error = describeError(error);
        failure = { step, error };
        steps.cancel();
      }
    } finally {
      st.endedAt = new Date().toISOString();
      running.delete(step.id);
    }
  };

  await steps.run(async () => {
    for (;;) {
      for (const step of failure ? [] : ready().slice(0, maxParallel - running.size)) {
        const st = byId.get(step.id)!;
        st.status = 'running';
        st.startedAt = new Date().toISOString();
        running.add(step.id);
        void runStep(step);
      }
      // Steps that finished in this workflow task go to the lineage store in one write.
      lineageLog.flush();
      showProgress(state);
      if (running.size === 0) break;
      const count = running.size;
      await shielded.run(() => condition(() => running.size < count));
    }
  });
  await lineageLog.drained();
  if (failure) {
    for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
    const { step, error } = failure;
    state.error = `step "${step.id}" (${step.kind}) failed: ${describeError(error)}`;
    throw ApplicationFailure.nonRetryable(state.error, 'STEP_FAILED');
  }
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('run cancelled');
  for (const s of state.steps) if (s.status === 'pending') s.status = 'skipped';
}

function callStep(pipeline: string, step: PlanStep, inputs: ExecuteStepInput['inputs'], cache: boolean, options?: unknown): Promise<ExecuteStepResult> {
  const a = step.activity;
  const activityOptions: ActivityOptions = {
    taskQueue: a.taskQueue,
    activityId: step.id,
    // Shown beside each activity in the Web UI's timeline.
    summary: `step ${step.id} (${step.kind})`,
    startToCloseTimeout: a.startToCloseMs,
    heartbeatTimeout: a.heartbeatMs,
    retry: {
      maximumAttempts: a.retry.maximumAttempts,
      initialInterval: a.retry.initialIntervalMs,
      backoffCoefficient: a.retry.backoffCoefficient,
      maximumInterval: a.retry.maximumIntervalMs,
    },
  };
  const activities = proxyActivities<Record<`step.${string}`, StepActivity>>(activityOptions);
  const runStep = activities[stepActivityName(step.kind)]!;
  return runStep({ runId: workflowInfo().workflowId, pipeline, stepId: step.id, kind: step.kind, options: options ?? step.options, inputs, cache });
}

interface ApprovalOptions {
  prompt: string;
  timeout: string;
  onTimeout: 'approve' | 'reject';
}

/**
 * An approval step: the workflow itself waits (a timer and a signal cost nothing while they wait),
 * then the step's activity records the decision as an artifact and, on rejection, halts the run.
 */
async function awaitApproval(
  pipeline: string,
  step: PlanStep,
  st: StepState,
  inputs: ExecuteStepInput['inputs'],
  decisions: Decisions,
  changed: () => void,
): Promise<ExecuteStepResult> {
  const opts = step.options as ApprovalOptions;
  const timeoutMs = parseDuration(opts.timeout) ?? 0;
  st.status = 'waiting';
  st.approval = { state: 'waiting', prompt: opts.prompt, onTimeout: opts.onTimeout, timeoutAt: new Date(Date.now() + timeoutMs).toISOString() };
  changed();
  const answered = await condition(() => decisions.has(step.id), timeoutMs);
  const d = answered ? decisions.get(step.id)! : undefined;
  const decision = d?.decision ?? opts.onTimeout;
  st.approval = {
    ...st.approval,
    state: decision === 'approve' ? 'approved' : 'rejected',
    decidedBy: d ? 'signal' : 'timeout',
    by: d?.by ?? 'timeout',
    at: d?.at ?? new Date().toISOString(),
    ...(d?.note ? { note: d.note } : d ? {} : { note: `nobody answered within ${opts.timeout}; on-timeout decision: ${opts.onTimeout}` }),
  };
  st.status = 'running';
  changed();
  const { state: _state, ...record } = st.approval;
  return callStep(pipeline, step, inputs, false, { ...opts, decision: { decision, ...record } });
}

/** The `approval` signal handler: the first decision for a step wins; others are noted and ignored. */
function acceptDecision(state: RunState, decisions: Decisions, d: ApprovalDecision): void {
  const st = state.steps.find((s) => s.id === d?.step);
  if (!st || st.kind !== APPROVAL_STEP_KIND) {
    state.notes.push(`ignored an approval signal for "${String(d?.step)}": no approval step has that id`);
  } else if (d.decision !== 'approve' && d.decision !== 'reject') {
    state.notes.push(`ignored an approval signal for "${d.step}": decision must be approve or reject`);
  } else if (decisions.has(d.step) || (st.approval && st.approval.state !== 'waiting')) {
    state.notes.push(`ignored a second decision for "${d.step}" (${d.decision} by ${d.by}): it was already decided`);
  } else {
    decisions.set(d.step, { step: d.step, decision: d.decision, by: d.by || 'unknown', ...(d.note ? { note: d.note } : {}), at: new Date().toISOString() });
  }
}

/** The Web UI's "current details": the pipeline, each step's status, and what an approval waits for. */
function showProgress(state: RunState): void {
  const lines = [`**${state.pipeline}**: ${state.status}${state.haltReason ? ` (${state.haltReason})` : ''}`, ''];
  for (const s of state.steps) {
    let line = `- ${s.id} (${s.kind}): ${s.status}`;
    const a = s.approval;
    if (a?.state === 'waiting') line += ` - waiting for approval until ${a.timeoutAt} (then ${a.onTimeout}): \`npx forgeline approve ${workflowInfo().workflowId} ${s.id}\``;
    else if (a) line += ` - ${a.state} by ${a.by} at ${a.at}${a.note ? `: ${a.note}` : ''}`;
    lines.push(line);
  }
  setCurrentDetails(lines.join('\n'));
}

/**
 * After a step succeeded or came from the cache, or an approval step was rejected (it ran: its
 * decision is the reason the run stopped): what it read and wrote, by reference only (issue 9), and
 * an approval step's decision (issue 25).
 */
function lineageOf(step: PlanStep, st: StepState, inputs: ExecuteStepInput['inputs'], result: ExecuteStepResult, state: RunState): RecordLineageInput | undefined {
  if (st.status !== 'succeeded' && st.status !== 'cached' && st.status !== 'rejected') return undefined;
  const a = st.approval;
  return {
    runId: workflowInfo().workflowId,
    pipeline: state.pipeline,
    runStartedAt: workflowInfo().startTime.toISOString(),
    step: { id: step.id, kind: step.kind, status: st.status, cacheKey: result.cacheKey, durationMs: result.durationMs, ...(st.startedAt ? { startedAt: st.startedAt } : {}), endedAt: new Date().toISOString() },
    inputs,
    outputs: result.outputs,
    metadata: result.metadata,
    ...(a && a.state !== 'waiting'
      ? { approval: { decision: a.state === 'approved' ? 'approve' : 'reject', decidedBy: a.decidedBy ?? 'signal', by: a.by ?? 'unknown', at: a.at ?? '', prompt: a.prompt, ...(a.note ? { note: a.note } : {}) } }
      : {}),
  };
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
