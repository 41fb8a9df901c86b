import proto from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { RunState, StepState } from '../workflow-safe/run-state.js';

// A CommonJS module: its namespaces come through the default export.
const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;

/**
 * How many workers poll `taskQueue` for workflow or activity tasks. With no workflow poller, a status
 * query waits (30 s, then fails); with no activity poller, a step on that queue never starts.
 */
export async function pollers(client: Client, taskQueue: string, type: 'workflow' | 'activity'): Promise<number> {
  const { TaskQueueType } = temporal.api.enums.v1;
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: type === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return res.pollers?.length ?? 0;
}

/**
 * A running run's steps as its history shows them, for when no worker can answer the status query:
 * each step activity scheduled, started, completed or failed (activity id = step id, type
 * `step.<kind>`). Steps the workflow has not scheduled yet are not in the history, so not listed.
 */
export async function stateFromHistory(client: Client, runId: string, pipeline: string): Promise<RunState> {
  const steps = new Map<string, StepState>();
  const bySchedule = new Map<string, StepState>();
  const history = await client.workflow.getHandle(runId).fetchHistory();
  for (const e of history.events ?? []) {
    const id = e.eventId?.toString() ?? '';
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const a = e.activityTaskScheduledEventAttributes!;
      const kind = a.activityType?.name ?? '';
      if (!kind.startsWith('step.') || !a.activityId) continue;
      const step: StepState = { id: a.activityId, kind: kind.slice('step.'.length), status: 'pending', taskQueue: a.taskQueue?.name ?? '', outputs: {}, metadata: {} };
      steps.set(step.id, step);
      bySchedule.set(id, step);
    } else {
      const scheduled =
        e.activityTaskStartedEventAttributes?.scheduledEventId ??
        e.activityTaskCompletedEventAttributes?.scheduledEventId ??
        e.activityTaskFailedEventAttributes?.scheduledEventId ??
        e.activityTaskTimedOutEventAttributes?.scheduledEventId ??
        e.activityTaskCanceledEventAttributes?.scheduledEventId;
      const step = scheduled ? bySchedule.get(scheduled.toString()) : undefined;
      if (!step) continue;
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) step.status = 'running';
      else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) step.status = 'succeeded';
      else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) step.status = 'cancelled';
      else step.status = 'failed';
    }
  }
  return { pipeline, status: 'running', steps: [...steps.values()], notes: [] };
}
