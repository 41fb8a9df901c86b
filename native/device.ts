import type { GpuHardware } from '../core/hardware.js';

/**
 * GPU pinning: a GPU worker lists its devices in its hardware (core/hardware.ts) and runs one
 * native job per device; each job gets a free device through CUDA_VISIBLE_DEVICES and gives it back
 * when it ends. CUDA_DEVICE_ORDER=PCI_BUS_ID makes CUDA number the devices as nvidia-smi does (its
 * default order is fastest first), so the index the worker found is the device the job gets.
 */
const busyDevices = new Set<string>();
const deviceWaiters: (() => void)[] = [];

/** One of the worker's GPU devices, waiting for a free one; undefined off a GPU worker. */
export async function acquireDevice(gpu: GpuHardware | undefined): Promise<string | undefined> {
  const devices = gpu?.devices;
  if (!devices || devices.length === 0) return undefined;
  for (;;) {
    const free = devices.find((d) => !busyDevices.has(d));
    if (free !== undefined) {
      busyDevices.add(free);
      return free;
    }
    await new Promise<void>((r) => deviceWaiters.push(r));
  }
}

export function releaseDevice(device: string | undefined): void {
  if (device === undefined) return;
  busyDevices.delete(device);
  deviceWaiters.shift()?.();
}

/** The environment that pins a child process to `device` (empty for none). */
export function pinnedEnv(device: string | undefined): Record<string, string> {
  return device === undefined ? {} : { CUDA_VISIBLE_DEVICES: device, CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
}

/**
 * Runs `work` holding one of the worker's GPU devices, with the environment that pins a child
 * process to it; for a process that is not a Node child (the hf trainer's Python).
 */
export async function withGpuDevice<T>(gpu: GpuHardware | undefined, work: (device: string | undefined, env: Record<string, string>) => Promise<T>): Promise<T> {
  const device = await acquireDevice(gpu);
  try {
    return await work(device, pinnedEnv(device));
  } finally {
    releaseDevice(device);
  }
}
