import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../workflow-safe/queues.js';
import { PipelineError } from '../errors.js';
import { oversizedParams } from '../workflow-safe/params-limit.js';
import { APPROVAL_STEP_KIND, type ApprovalDecision, type RunPipelineInput, type RunResult, type RunState, type StepState } from '../workflow-safe/run-state.js';
import { pollers, stateFromHistory } from './history-state.js';
import { isServerUnreachable } from '../temporal/unreachable.js';

/** The query is defined once in workflows/definitions.ts; this is its name on the wire. */
const STATUS_QUERY = 'status';
/** How long a status query is tried when no worker is seen polling the workflow queue. */
const QUERY_WITHOUT_POLLER_MS = 2_000;
/** Likewise the approval signal's name (workflows/definitions.ts: approvalSignal). */
const APPROVAL_SIGNAL = 'approval';

export function newRunId(pipeline: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..+/, '');
  return `${pipeline}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function startRun(client: Client, input: RunPipelineInput, runId = newRunId(input.pipeline)): Promise<string> {
  // Refused here too: params over a few MB fail the start with a bare gRPC error ("Failed to start Workflow").
  const oversized = oversizedParams(input.params);
  if (oversized) throw new PipelineError('INVALID_PARAMS', oversized, [{ path: 'params', message: 'too large' }]);
  await client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: CPU_QUEUE,
    workflowId: runId,
    args: [input],
    // startedBy: who started the run, for its lineage (workflows/lineage-writer.ts reads it there).
    memo: { pipeline: input.pipeline, ...(client.options.identity ? { startedBy: client.options.identity } : {}) },
    staticSummary: `pipeline ${input.pipeline}`,
  });
  return runId;
}

/** What running steps last reported in their heartbeats (activities/execute/execute-step-activity.ts), by step id. */
export interface LiveProgress {
  [stepId: string]: { done?: number; total?: number; unit?: string; message?: string; etaSec?: number; loss?: number } | undefined;
}

export interface RunSnapshot {
  runId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  temporalStatus: string;
  state: RunState | undefined;
  /** Progress from the heartbeats of running steps. */
  live: LiveProgress;
  failure?: string;
}

export async function getRun(client: Client, runId: string): Promise<RunSnapshot> {
  const handle = client.workflow.getHandle(runId);
  const desc = await handle.describe();
  let state: RunState | undefined;
  if (desc.status.name === 'COMPLETED') {
    // A completed run's result is its final state (what the status query would answer), read from
    // the history: no worker has to replay the run to answer, and none has to be running at all.
    state = (await handle.result()) as RunState;
  } else if (desc.status.name === 'RUNNING' && (await pollers(client, CPU_QUEUE, 'workflow')) === 0) {
    // No worker is seen polling, so the query would wait 30 s and fail. It is still tried briefly (a
    // worker may have just started); then the steps come from the history, with why nothing moves.
    state = await client
      .withDeadline(Date.now() + QUERY_WITHOUT_POLLER_MS, () => handle.query<RunState>(STATUS_QUERY))
      .catch((err: unknown) => {
        if (isServerUnreachable(err)) throw err;
        return undefined;
      });
    if (!state) {
      const memo = desc.memo as { pipeline?: string } | undefined;
      state = await stateFromHistory(client, runId, memo?.pipeline ?? '');
      state.notes.push(`no worker polls task queue "${CPU_QUEUE}": the run waits for one; start \`npx forgeline worker\` (or \`npx forgeline dev\`)`);
    }
  } else {
    try {
      state = await handle.query<RunState>(STATUS_QUERY);
    } catch (err) {
      // A server gone away is the caller's to know (awaitRun waits for it and says so); otherwise
      // no worker answers yet, or the run failed before its first step.
      if (isServerUnreachable(err)) throw err;
      state = undefined;
    }
  }
  // A step waiting on a queue that no worker polls (a GPU queue with no GPU worker) never starts.
  if (desc.status.name === 'RUNNING' && state) {
    const waiting = new Set(state.steps.filter((s) => s.status === 'pending' && s.taskQueue).map((s) => s.taskQueue!));
    for (const queue of waiting) {
      if (queue !== CPU_QUEUE && (await pollers(client, queue, 'activity')) === 0) {
        state.notes.push(`no worker polls task queue "${queue}": its steps wait; start \`npx forgeline worker --queues ${queue}\``);
      }
    }
  }
  const live: LiveProgress = {};
  const raw = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: runId } });
  for (const a of raw.pendingActivities ?? []) {
    const payload = a.heartbeatDetails?.payloads?.[0];
    if (!a.activityId || !payload?.data) continue;
    try {
      live[a.activityId] = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    } catch {
      // not JSON-encoded details; progress is optional
    }
  }
  const snapshot: RunSnapshot = { runId, temporalStatus: desc.status.name, state, live };
  if (desc.status.name === 'FAILED') {
    try {
      await handle.result();
    } catch (err) {
      snapshot.failure = failureMessage(err);
    }
  }
  return snapshot;
}

/** How long `awaitRun` keeps trying while the Temporal server cannot be reached (a restart, an upgrade). */
export const AWAIT_UNREACHABLE_MS = 15 * 60_000;

export interface AwaitRunOptions {
  pollMs?: number;
  /** Told once when the server stops answering, and once when it answers again. */
  onConnection?: (message: string) => void;
}

/** Waits for the run to close, calling `onUpdate` with fresh snapshots; returns the final one. */
export async function awaitRun(client: Client, runId: string, onUpdate?: (s: RunSnapshot) => void, options: AwaitRunOptions = {}): Promise<RunSnapshot> {
  const pollMs = options.pollMs ?? 500;
  // Polls, and has no call of its own left in flight when it returns or throws. A long poll on
  // `handle.result()` could outlive a failed describe: the caller then closed the connection, and
  // the poll's gRPC retry timer (@temporalio/client's grpc-retry) started a call on the closed
  // channel, which throws "Channel has been shut down" from a timer: uncaught, `run --wait` died.
  let unreachableSince: number | undefined;
  for (;;) {
    let snapshot: RunSnapshot;
    try {
      snapshot = await getRun(client, runId);
    } catch (err) {
      // A run outlives its server's restart (its state is in the server's database), so the wait
      // does too: it retries until the server answers again, for up to AWAIT_UNREACHABLE_MS.
      if (!isServerUnreachable(err)) throw err;
      if (unreachableSince === undefined) {
        unreachableSince = Date.now();
        options.onConnection?.(`the Temporal server does not answer; waiting for it to come back (run ${runId} goes on once it does; Ctrl-C stops waiting, not the run)`);
      }
      if (Date.now() - unreachableSince > AWAIT_UNREACHABLE_MS) {
        throw new PipelineError('EXTERNAL_SERVICE', `the Temporal server has not answered for ${AWAIT_UNREACHABLE_MS / 60_000} min; run ${runId} is not lost: \`npx forgeline status ${runId}\` once it is back`);
      }
      await new Promise((r) => setTimeout(r, 2_000));
      continue;
    }
    if (unreachableSince !== undefined) options.onConnection?.('the Temporal server answers again');
    unreachableSince = undefined;
    onUpdate?.(snapshot);
    if (snapshot.temporalStatus !== 'RUNNING') return snapshot;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function failureMessage(err: unknown): string {
  let e: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (e instanceof Error && e.cause instanceof Error && e.message.startsWith('Activity task failed')) e = e.cause;
  return e instanceof Error ? e.message : String(err);
}

export type { RunResult };

/** One line of `listRuns` / `forgeline list`. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  /** Temporal's status (RUNNING, COMPLETED, FAILED, ...). */
  temporalStatus: string;
  /** The pipeline's outcome once closed (succeeded, skipped, rejected, failed, cancelled), from the memo. */
  outcome: string | undefined;
  startedAt: string;
  closedAt: string | undefined;
  /** Set for runs a Temporal Schedule started. */
  scheduleId: string | undefined;
}

export interface ListRunsOptions {
  pipeline?: string;
  /** Temporal execution status: Running, Completed, Failed, Canceled, Terminated, TimedOut. */
  status?: string;
  /** Runs started by this schedule. */
  scheduleId?: string;
  limit?: number;
}

/** Runs of `runPipeline`, newest first (as the server's visibility store orders them). */
export async function listRuns(client: Client, options: ListRunsOptions = {}): Promise<RunSummary[]> {
  const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (options.status) clauses.push(`ExecutionStatus = '${quoteVisibility(options.status)}'`);
  if (options.scheduleId) clauses.push(`TemporalScheduledById = '${quoteVisibility(options.scheduleId)}'`);
  const limit = options.limit ?? 100;
  const rows: RunSummary[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const memo = (await wf.memo) ?? {};
    if (options.pipeline && memo.pipeline !== options.pipeline) continue;
    const scheduledBy = wf.searchAttributes?.TemporalScheduledById;
    rows.push({
      runId: wf.workflowId,
      pipeline: String(memo.pipeline ?? ''),
      temporalStatus: wf.status.name,
      outcome: typeof memo.outcome === 'string' ? memo.outcome : undefined,
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      scheduleId: Array.isArray(scheduledBy) && scheduledBy.length > 0 ? String(scheduledBy[0]) : undefined,
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

function quoteVisibility(value: string): string {
  return value.replace(/'/g, "\\'");
}

/**
 * Sends an approval decision after checking, through the status query, that the run has an
 * approval step of that id still open; the workflow ignores (and notes) anything else.
 */
export async function decideApproval(client: Client, runId: string, decision: ApprovalDecision): Promise<StepState> {
  const handle = client.workflow.getHandle(runId);
  const state = await handle.query<RunState>(STATUS_QUERY);
  const step = state.steps.find((s) => s.id === decision.step);
  if (!step) {
    const approvals = state.steps.filter((s) => s.kind === APPROVAL_STEP_KIND).map((s) => s.id);
    throw new PipelineError('INVALID_PARAMS', `run ${runId} has no step "${decision.step}" (approval steps: ${approvals.join(', ') || 'none'})`, [
      { path: 'step', message: 'unknown step' },
    ]);
  }
  if (step.kind !== APPROVAL_STEP_KIND) {
    throw new PipelineError('INVALID_PARAMS', `step "${step.id}" of run ${runId} is a ${step.kind} step, not an approval`, [{ path: 'step', message: 'not an approval step' }]);
  }
  if (step.approval && step.approval.state !== 'waiting') {
    throw new PipelineError('INVALID_PARAMS', `step "${step.id}" was already ${step.approval.state} by ${step.approval.by} at ${step.approval.at}`, [
      { path: 'step', message: 'already decided' },
    ]);
  }
  if (['succeeded', 'failed', 'cancelled', 'skipped', 'rejected'].includes(state.status)) {
    throw new PipelineError('INVALID_PARAMS', `run ${runId} has ended (${state.status})`, [{ path: 'run', message: 'run has ended' }]);
  }
  await handle.signal(APPROVAL_SIGNAL, decision);
  return step;
}
