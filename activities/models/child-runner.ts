import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../core/errors.js';
import { childEnv, dieWithParent } from '../../core/process/die-with-parent.js';

/**
 * Native llama.cpp work (quantization, training, loading a model) runs in a child Node process:
 * a failed ggml assert aborts the whole process, and that must be an activity failure, not a dead
 * worker. The parent sends one `{type:'start', payload}` over IPC; the child answers one
 * `{type:'result', value}` or `{type:'error', message, code?}` over IPC. Progress goes as marked
 * JSON lines on stdout, written synchronously, because native calls (a training epoch) block the
 * child's event loop and IPC messages would wait until they return.
 */

const PROGRESS_MARK = '\u001eforgeline-progress ';

export type ChildMessage =
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string; code?: string };

export interface RunChildOptions {
  signal?: AbortSignal;
  onProgress?: (msg: Record<string, unknown>) => void;
  env?: Record<string, string | undefined>;
  /** Text for errors: what the child was doing. */
  label: string;
  /** On a GPU worker: the device (CUDA index) the child is pinned to. */
  onDevice?: (device: string) => void;
}

/**
 * GPU pinning: a GPU worker lists its devices in FORGELINE_GPU_DEVICES and runs one job per device;
 * each job gets a free device through CUDA_VISIBLE_DEVICES and gives it back when it ends.
 * CUDA_DEVICE_ORDER=PCI_BUS_ID makes CUDA number the devices as nvidia-smi does (its default order
 * is fastest first), so the index the worker found is the device the job gets.
 */
const busyDevices = new Set<string>();
const deviceWaiters: (() => void)[] = [];

async function acquireDevice(): Promise<string | undefined> {
  const devices = process.env.FORGELINE_GPU_DEVICES?.split(',').filter(Boolean);
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

function releaseDevice(device: string | undefined): void {
  if (device === undefined) return;
  busyDevices.delete(device);
  deviceWaiters.shift()?.();
}

/** The environment that pins a child process to `device`. */
function pinnedEnv(device: string): Record<string, string> {
  return { CUDA_VISIBLE_DEVICES: device, CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
}

/**
 * Runs `work` holding one of the worker's GPU devices (waiting for a free one), with the environment
 * that pins a child process to it; off a GPU worker, `device` is undefined and the environment empty.
 */
export async function withGpuDevice<T>(work: (device: string | undefined, env: Record<string, string>) => Promise<T>): Promise<T> {
  const device = await acquireDevice();
  try {
    return await work(device, device === undefined ? {} : pinnedEnv(device));
  } finally {
    releaseDevice(device);
  }
}

/**
 * `script` is the compiled child next to the caller, written `new URL('./x-child.js', import.meta.url)`:
 * in that form its code joins the caller's code version (core/cache/code-version.ts).
 */
export async function runChild<T>(script: URL, payload: unknown, options: RunChildOptions): Promise<T> {
  if (options.env?.CUDA_VISIBLE_DEVICES !== undefined) return spawnChild<T>(script, payload, options);
  return withGpuDevice((device, env) => {
    if (device !== undefined) options.onDevice?.(device);
    return spawnChild<T>(script, payload, { ...options, env: { ...options.env, ...env } });
  });
}

function spawnChild<T>(script: URL, payload: unknown, options: RunChildOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError(options.signal));
      return;
    }
    const child = fork(fileURLToPath(script), [], {
      env: { ...process.env, ...options.env, ...childEnv() },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    const keep = (d: Buffer | string): void => {
      stderr = (stderr + d.toString()).slice(-4000);
    };
    child.stderr?.on('data', keep);
    let pending = '';
    child.stdout?.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(PROGRESS_MARK)) {
          try {
            options.onProgress?.(JSON.parse(line.slice(PROGRESS_MARK.length)) as Record<string, unknown>);
          } catch (err) {
            keep(`progress handler failed: ${err instanceof Error ? err.message : String(err)}\n`);
          }
        } else keep(`${line}\n`);
      }
    });
    let result: { ok: true; value: T } | { ok: false; error: Error } | undefined;
    const onAbort = (): void => {
      result ??= { ok: false, error: abortError(options.signal!) };
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (raw: ChildMessage) => {
      if (raw.type === 'result') result ??= { ok: true, value: raw.value as T };
      else if (raw.type === 'error') {
        const code = raw.code === 'INVALID_INPUT_DATA' || raw.code === 'INVALID_STEP_OPTIONS' ? raw.code : 'STEP_FAILED';
        result ??= { ok: false, error: new PipelineError(code, `${options.label}: ${raw.message}`) };
      }
    });
    child.once('error', (err) => {
      result ??= { ok: false, error: err };
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (result?.ok) resolve(result.value);
      else if (result) reject(result.error);
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new PipelineError('STEP_FAILED', `${options.label}: child process ${how} before answering${stderr ? `; its last output:\n${stderr.trim()}` : ''}`));
      }
    });
    child.send({ type: 'start', payload });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('cancelled');
}

/**
 * The child's side: waits for the start message, runs `work`, reports its result or error, and
 * exits (native libraries may keep threads alive, so the exit is explicit).
 */
export function serveChild<P, R>(work: (payload: P, progress: (p: Record<string, unknown>) => void) => Promise<R>): void {
  // Native work blocks this process's event loop for minutes: only a watchdog thread can notice a dead parent.
  dieWithParent();
  const send = (m: ChildMessage): Promise<void> => new Promise((r) => (process.send ? process.send(m, undefined, {}, () => r()) : r()));
  process.once('message', (msg: { type: string; payload: P }) => {
    if (msg.type !== 'start') return;
    const progress = (p: Record<string, unknown>): void => {
      try {
        fs.writeSync(1, `${PROGRESS_MARK}${JSON.stringify(p)}\n`);
      } catch {
        // A full pipe (EAGAIN) drops one progress line; the next one carries the same counters.
      }
    };
    work(msg.payload, progress)
      .then(
        (value) => send({ type: 'result', value }),
        (err: unknown) => {
          const code = err instanceof PipelineError ? err.code : undefined;
          return send({ type: 'error', message: err instanceof Error ? err.message : String(err), ...(code ? { code } : {}) });
        },
      )
      .finally(() => process.exit(0));
  });
}
