import type { GpuFamily } from './workflow-safe/queues.js';

/** A GPU worker's backend, and the devices (CUDA indices) its native children are pinned to, one job each. */
export interface GpuHardware {
  family: GpuFamily;
  devices: readonly string[];
}

/**
 * What a worker runs native work (llama.cpp children, the Python trainer) on. The worker builds it
 * once at start-up (workers/start-workers.ts) and every step gets it as `ctx.hardware`; native/ takes
 * it as an argument. Outside a worker (`forgeline stage`, a test, a bench) it is `{}`: CPU, no limit.
 */
export interface Hardware {
  gpu?: GpuHardware;
  /**
   * llama.cpp evaluation children that one CPU worker process runs at once (activities/eval/llm/cpu-slots.ts);
   * unset: no limit.
   */
  cpuModelSlots?: number;
}
