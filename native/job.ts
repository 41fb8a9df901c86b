import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { PipelineError } from '../core/errors.js';
import { dieWithParent } from '../core/process/die-with-parent.js';
import { spawnNative, type SpawnOptions } from './spawn.js';

/**
 * The native runner's single-job mode (spawn.ts has the other, sessions). Native llama.cpp work
 * (quantization, training, a probe) runs in a child Node process: a failed ggml assert aborts the
 * whole process, and that must be an activity failure, not a dead worker. The parent sends one `{type:'start', payload}` over IPC; the child answers one
 * `{type:'result', value}` or `{type:'error', message, code?}` over IPC. Progress goes as marked
 * JSON lines on stdout, written synchronously, because native calls (a training epoch) block the
 * child's event loop and IPC messages would wait until they return.
 */

const PROGRESS_MARK = '\u001eforgeline-progress ';

export type ChildMessage =
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string; code?: string };

export interface RunChildOptions extends Pick<SpawnOptions, 'gpu'> {
  signal?: AbortSignal;
  onProgress?: (msg: Record<string, unknown>) => void;
  /** Text for errors: what the child was doing. */
  label: string;
  /** On a GPU worker: the device (CUDA index) the child is pinned to. */
  onDevice?: (device: string) => void;
}

/** Single-job mode of the native runner (spawn.ts): one start message, then one result or error. */
export async function runChild<T>(script: URL, payload: unknown, options: RunChildOptions): Promise<T> {
  if (options.signal?.aborted) throw abortError(options.signal);
  const { child, device } = await spawnNative(script, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json', gpu: options.gpu });
  if (device !== undefined) options.onDevice?.(device);
  return new Promise<T>((resolve, reject) => {
    let stderr = '';
    const keep = (d: Buffer | string): void => {
      stderr = (stderr + d.toString()).slice(-4000);
    };
    child.stderr?.on('data', keep);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(PROGRESS_MARK)) keep(`${line}\n`);
      else {
        try {
          options.onProgress?.(JSON.parse(line.slice(PROGRESS_MARK.length)) as Record<string, unknown>);
        } catch (err) {
          keep(`progress handler failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    });
    let result: { ok: true; value: T } | { ok: false; error: Error } | undefined;
    const onAbort = (): void => {
      result ??= { ok: false, error: abortError(options.signal!) };
      child.kill('SIGKILL');
    };
    // The signal may have fired while the child waited for a device.
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
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
