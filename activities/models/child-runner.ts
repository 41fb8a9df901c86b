import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../core/errors.js';

/**
 * Native llama.cpp work (quantization, training, loading a model) runs in a child Node process:
 * a failed ggml assert aborts the whole process, and that must be an activity failure, not a dead
 * worker. Parent and child talk over IPC: the parent sends one `{type:'start', payload}`; the child
 * sends any number of `{type:'progress', ...}` and one `{type:'result', value}` or
 * `{type:'error', message, code?}`.
 */

export type ChildMessage =
  | { type: 'progress'; [k: string]: unknown }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string; code?: string };

export interface RunChildOptions {
  signal?: AbortSignal;
  onProgress?: (msg: Record<string, unknown>) => void;
  env?: Record<string, string | undefined>;
  /** Text for errors: what the child was doing. */
  label: string;
}

/** Path of a compiled child script next to the caller (`childScript(import.meta.url, './x-child.js')`). */
export function childScript(from: string, relative: string): string {
  return fileURLToPath(new URL(relative, from));
}

export function runChild<T>(script: string, payload: unknown, options: RunChildOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError(options.signal));
      return;
    }
    const child = fork(script, [], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    const keep = (d: Buffer): void => {
      stderr = (stderr + d.toString()).slice(-4000);
    };
    child.stderr?.on('data', keep);
    child.stdout?.on('data', keep);
    let result: { ok: true; value: T } | { ok: false; error: Error } | undefined;
    const onAbort = (): void => {
      result ??= { ok: false, error: abortError(options.signal!) };
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (raw: ChildMessage) => {
      if (raw.type === 'progress') options.onProgress?.(raw);
      else if (raw.type === 'result') result ??= { ok: true, value: raw.value as T };
      else if (raw.type === 'error') {
        const code = raw.code === 'INVALID_INPUT_DATA' || raw.code === 'INVALID_STEP_OPTIONS' ? raw.code : 'STEP_FAILED';
        result ??= { ok: false, error: new PipelineError(code, `${options.label}: ${raw.message}`) };
      }
    });
    child.once('error', (err) => {
      result ??= { ok: false, error: err };
    });
    child.once('exit', (code, signal) => {
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
  const send = (m: ChildMessage): Promise<void> => new Promise((r) => (process.send ? process.send(m, undefined, {}, () => r()) : r()));
  process.once('message', (msg: { type: string; payload: P }) => {
    if (msg.type !== 'start') return;
    work(msg.payload, (p) => void send({ ...p, type: 'progress' }))
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
