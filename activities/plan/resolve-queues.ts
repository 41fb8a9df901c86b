import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Plan } from '../../core/workflow-safe/plan.js';
import { CPU_QUEUE, GPU_QUEUES, type GpuFamily } from '../../core/workflow-safe/queues.js';

/**
 * Chooses each step's task queue. CPU steps go to the CPU queue; GPU steps go to the queue of the
 * pipeline's device. With `auto`, the first GPU queue that has a polling worker wins, else the CPU
 * queue, and the plan says so in its notes.
 */
export async function resolveQueues(plan: Plan, client: Client | undefined, namespace: string): Promise<Plan> {
  const hasGpuSteps = plan.steps.some((s) => s.profile === 'gpu');
  let gpuQueue: string = CPU_QUEUE;
  const notes = [...plan.notes];
  if (plan.device === 'cuda' || plan.device === 'metal') gpuQueue = GPU_QUEUES[plan.device];
  else if (plan.device === 'auto' && hasGpuSteps) {
    const family = await firstPolledGpuFamily(client, namespace);
    if (family) gpuQueue = GPU_QUEUES[family];
    else notes.push(`device auto: no worker polls ${Object.values(GPU_QUEUES).join(' or ')}, so GPU steps run on CPU (${CPU_QUEUE})`);
  }
  return {
    ...plan,
    notes,
    steps: plan.steps.map((s) => ({ ...s, activity: { ...s.activity, taskQueue: s.profile === 'gpu' ? gpuQueue : CPU_QUEUE } })),
  };
}

async function firstPolledGpuFamily(client: Client | undefined, namespace: string): Promise<GpuFamily | undefined> {
  if (!client) return undefined;
  for (const family of Object.keys(GPU_QUEUES) as GpuFamily[]) {
    const res = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: GPU_QUEUES[family] },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    if ((res.pollers ?? []).length > 0) return family;
  }
  return undefined;
}
