import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PipelineError } from '../core/errors.js';
import type { GpuHardware } from '../core/hardware.js';
import { GPU_QUEUES, type GpuFamily } from '../core/workflow-safe/queues.js';

/** One accelerator a GPU worker serves. */
export interface GpuDevice {
  /** CUDA device index (what CUDA_VISIBLE_DEVICES takes); 0 for Apple Silicon. */
  index: number;
  name: string;
  memoryMiB: number;
}

export interface GpuPlan {
  family: GpuFamily;
  queue: string;
  devices: GpuDevice[];
  /** How the devices were found (nvidia-smi, Apple Silicon, node-llama-cpp). */
  source: string;
}

/** `nvidia-smi` where present: index, name and memory of every CUDA device (honouring CUDA_VISIBLE_DEVICES). */
export function nvidiaDevices(): GpuDevice[] {
  let out: string;
  try {
    out = execFileSync('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const visible = process.env.CUDA_VISIBLE_DEVICES?.split(',').map((s) => s.trim()).filter(Boolean);
  return out
    .split('\n')
    .map((l) => l.split(',').map((s) => s.trim()))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[0]!))
    .map((f) => ({ index: Number(f[0]), name: f[1]!, memoryMiB: Number(f[2]) }))
    .filter((d) => !visible || visible.includes(String(d.index)));
}

/** Apple Silicon: one Metal device sharing the machine's unified memory. */
export function appleSiliconDevice(): GpuDevice | undefined {
  if (process.platform !== 'darwin' || process.arch !== 'arm64') return undefined;
  let name = 'Apple Silicon';
  try {
    name = execFileSync('sysctl', ['-n', 'machdep.cpu.brand_string'], { encoding: 'utf8', timeout: 5_000 }).trim() || name;
  } catch {
    // keep the generic name
  }
  return { index: 0, name, memoryMiB: Math.round(os.totalmem() / 2 ** 20) };
}

/** What node-llama-cpp says this host supports (no native code is loaded to answer). */
async function nodeLlamaCppGpuTypes(): Promise<string[]> {
  try {
    const { getLlamaGpuTypes } = await import('node-llama-cpp');
    return (await getLlamaGpuTypes('supported')).filter((t) => t !== false).map(String);
  } catch {
    return [];
  }
}

/**
 * Finds the devices for `--gpu <cuda|metal|auto>` (any other word is a CONFIG error). `auto` takes
 * CUDA when nvidia-smi lists a device, else Metal on Apple Silicon. No device is an error: a GPU
 * worker must not quietly run on CPU.
 */
export async function detectGpus(requested: string): Promise<GpuPlan> {
  // Own keys only: `in` would also accept inherited names such as `constructor` and read them as auto.
  if (requested !== 'auto' && !Object.hasOwn(GPU_QUEUES, requested)) throw new PipelineError('CONFIG', `--gpu ${requested}: expected ${[...Object.keys(GPU_QUEUES), 'auto'].join(', ')}`);
  const supported = await nodeLlamaCppGpuTypes();
  const tryCuda = (): GpuPlan | undefined => {
    const devices = nvidiaDevices();
    return devices.length > 0 ? { family: 'cuda', queue: GPU_QUEUES.cuda, devices, source: 'nvidia-smi' } : undefined;
  };
  const tryMetal = (): GpuPlan | undefined => {
    const d = appleSiliconDevice();
    return d ? { family: 'metal', queue: GPU_QUEUES.metal, devices: [d], source: 'Apple Silicon' } : undefined;
  };
  const plan = requested === 'cuda' ? tryCuda() : requested === 'metal' ? tryMetal() : (tryCuda() ?? tryMetal());
  if (!plan) {
    throw new PipelineError(
      'CONFIG',
      `--gpu ${requested}: no ${requested === 'auto' ? 'CUDA or Metal' : requested} device found (nvidia-smi: ${nvidiaDevices().length} devices; node-llama-cpp supports: ${supported.join(', ') || 'none'}); run a CPU worker instead`,
    );
  }
  return { ...plan, source: `${plan.source}; node-llama-cpp supports ${supported.join(', ') || 'none'}` };
}

/**
 * What a GPU worker hands its steps (ctx.hardware.gpu): the family picks llama.cpp's GPU build, and
 * the device indices are what child processes are pinned to (one per running job, through
 * CUDA_VISIBLE_DEVICES; see native/device.ts).
 */
export function gpuHardware(plan: GpuPlan): GpuHardware {
  return { family: plan.family, devices: plan.devices.map((d) => String(d.index)) };
}
