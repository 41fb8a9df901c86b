import path from 'node:path';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { CPU_QUEUE } from '../workflow-safe/queues.js';
import { homeOfIdentity } from '../temporal/worker-identity.js';

/**
 * A worker counts as present if it polled within this window: Temporal keeps pollers listed for
 * minutes after they stop, and a live worker's long poll is renewed at least once a minute.
 */
const RECENT_POLL_MS = 90_000;

/** State folders, other than `home`, whose workers poll the workflow queue on this server now. */
export async function foreignHomes(client: Client, home: string): Promise<string[]> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: CPU_QUEUE },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const homes = new Set<string>();
  for (const p of res.pollers ?? []) {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    if (Date.now() - seconds * 1000 > RECENT_POLL_MS) continue;
    const other = homeOfIdentity(p.identity ?? '');
    if (other !== undefined && path.resolve(other) !== path.resolve(home)) homes.add(other);
  }
  return [...homes];
}
