import { fork, type ChildProcess, type SerializationType, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../core/process/die-with-parent.js';
import type { GpuHardware } from '../core/hardware.js';
import { acquireDevice, pinnedEnv, releaseDevice } from './device.js';

export interface NativeChild {
  child: ChildProcess;
  /** The GPU device (CUDA index) the child is pinned to; undefined off a GPU worker. */
  device: string | undefined;
}

export interface SpawnOptions {
  stdio: StdioOptions;
  serialization: SerializationType;
  /** The worker's GPU (ctx.hardware.gpu): the child holds one of its devices; undefined: CPU. */
  gpu?: GpuHardware | undefined;
}

/**
 * Every llama.cpp child process starts here, in one of two modes: a single job (job.ts: one request,
 * one answer) or a session (session.ts: a model loaded once and asked many times, by the evaluation
 * engine and the local generation provider). Either way the child is pinned to one of the worker's GPU devices,
 * held until it exits, so that work on the GPU queue never lands on a device another job holds;
 * and it is named this process's child, so its watchdog (core/process/die-with-parent.ts) kills it
 * when this process dies. A failed ggml assert then ends the child, not the worker.
 *
 * `script` is written `new URL('./x-child.js', import.meta.url)` by the caller: in that form its
 * code joins the caller's code version (core/cache/code-version.ts).
 */
export async function spawnNative(script: URL, options: SpawnOptions): Promise<NativeChild> {
  const device = await acquireDevice(options.gpu);
  let released = false;
  const release = (): void => {
    if (!released) releaseDevice(device);
    released = true;
  };
  try {
    const child = fork(fileURLToPath(script), [], {
      env: { ...process.env, ...pinnedEnv(device), ...childEnv() },
      stdio: options.stdio,
      serialization: options.serialization,
    });
    child.once('exit', release);
    child.once('error', release);
    return { child, device };
  } catch (err) {
    release();
    throw err;
  }
}
