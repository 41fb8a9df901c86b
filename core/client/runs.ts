import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../queues.js';
import type { RunPipelineInput, RunResult, RunState } from '../run-state.js';
import type { LiveProgress } from '../cli/output.js';

/** The query is defined once in workflows/definitions.ts; this is its name on the wire. */
const STATUS_QUERY = 'status';

export function newRunId(pipeline: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..+/, '');
  return `${pipeline}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function startRun(client: Client, input: RunPipelineInput, runId = newRunId(input.pipeline)): Promise<string> {
  await client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: CPU_QUEUE,
    workflowId: runId,
    args: [input],
    memo: { pipeline: input.pipeline },
    staticSummary: `pipeline ${input.pipeline}`,
  });
  return runId;
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
  try {
    state = await handle.query<RunState>(STATUS_QUERY);
  } catch {
    state = undefined; // no worker to answer yet, or the run failed before its first step
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

/** Waits for the run to close, calling `onUpdate` with fresh snapshots; returns the final one. */
export async function awaitRun(client: Client, runId: string, onUpdate?: (s: RunSnapshot) => void, pollMs = 500): Promise<RunSnapshot> {
  const handle = client.workflow.getHandle(runId);
  let closed = false;
  const done = handle.result().then(
    () => undefined,
    () => undefined,
  ).finally(() => {
    closed = true;
  });
  while (!closed) {
    if (onUpdate) onUpdate(await getRun(client, runId));
    await Promise.race([done, new Promise((r) => setTimeout(r, pollMs))]);
  }
  const final = await getRun(client, runId);
  onUpdate?.(final);
  return final;
}

export function failureMessage(err: unknown): string {
  let e: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (e instanceof Error && e.cause instanceof Error && e.message.startsWith('Activity task failed')) e = e.cause;
  return e instanceof Error ? e.message : String(err);
}

export type { RunResult };
