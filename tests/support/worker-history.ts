import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';

// A CommonJS module: its namespaces come through the default export.
const { temporal } = proto;
const { EventType, PendingActivityState } = temporal.api.enums.v1;

export interface ActivityRun {
  activityId: string;
  taskQueue: string;
  /** The identity of the worker that ran its last attempt (Forgeline's: `pid@hostname forgeline-home=...`). */
  identity: string;
  attempt: number;
}

/** Which worker ran each activity of a run, from its history (a started event is written for the last attempt). */
export async function activityHosts(client: Client, runId: string): Promise<ActivityRun[]> {
  const scheduled = new Map<string, { activityId: string; taskQueue: string }>();
  const runs: ActivityRun[] = [];
  for (const e of (await client.workflow.getHandle(runId).fetchHistory()).events ?? []) {
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const a = e.activityTaskScheduledEventAttributes!;
      scheduled.set(String(e.eventId), { activityId: a.activityId ?? '', taskQueue: a.taskQueue?.name ?? '' });
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const a = e.activityTaskStartedEventAttributes!;
      const s = scheduled.get(String(a.scheduledEventId));
      if (s) runs.push({ ...s, identity: a.identity ?? '', attempt: a.attempt ?? 1 });
    }
  }
  return runs;
}

/** The pid and hostname a worker identity names (core/temporal/worker-identity.ts). */
export function hostOf(identity: string): { pid: number; hostname: string } {
  const m = /^(\d+)@(\S+)/.exec(identity);
  if (!m) throw new Error(`not a pid@hostname worker identity: "${identity}"`);
  return { pid: Number(m[1]), hostname: m[2]! };
}

/**
 * Waits until one of `activityIds` of a run has been started by a worker and is still running,
 * polling the run's pending activities, and returns which and that worker's identity.
 */
export async function pendingActivity(client: Client, runId: string, activityIds: readonly string[], timeoutMs = 120_000, pollMs = 20): Promise<{ activityId: string; identity: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const desc = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: runId } });
    const a = desc.pendingActivities?.find((p) => activityIds.includes(p.activityId ?? '') && p.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    if (a?.lastWorkerIdentity) return { activityId: a.activityId!, identity: a.lastWorkerIdentity };
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`none of ${activityIds.join(', ')} of ${runId} was seen running within ${timeoutMs} ms`);
}
