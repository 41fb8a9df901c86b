/**
 * Task queues and workflow names: the single source of truth. Docs and the UI examples quote these.
 */
export const WORKFLOW_TYPE = 'runPipeline';

/** The CPU queue: plan compilation, data stages, and GPU work when `device: auto` finds no GPU worker. */
export const CPU_QUEUE = 'forgeline';

/** GPU queues, one per accelerator family; a GPU worker polls only its own. */
export const GPU_QUEUES = { cuda: 'gpu-cuda', metal: 'gpu-metal' } as const;

export type GpuFamily = keyof typeof GPU_QUEUES;
export type Device = GpuFamily | 'auto' | 'cpu';
export type QueueProfile = 'cpu' | 'gpu';

export const ALL_QUEUES: readonly string[] = [CPU_QUEUE, ...Object.values(GPU_QUEUES)];

/** Activity type of a step kind: the Web UI shows it, so it says which step kind runs. */
export function stepActivityName(kind: string): `step.${string}` {
  return `step.${kind}`;
}

/** Activity type of one shard of a sharded step (workflows/sharded-step.ts): the Web UI says which kind and that it is a shard. */
export function shardActivityName(kind: string): `shard.${string}` {
  return `shard.${kind}`;
}
