import type { ChildProcess } from 'node:child_process';
import { PipelineError } from '../core/errors.js';
import { dieWithParent } from '../core/process/die-with-parent.js';
import { spawnNative, type SpawnOptions } from './spawn.js';

/**
 * The native runner's session mode: a child that loads a model once and answers many requests (the
 * evaluation engine, the local generation provider). Requests carry an id and an `op`; the child
 * answers each with `{id, ok, result}` or `{id, ok: false, error}`, and may send `{event}` messages
 * (progress) between. A child that exits fails every request still waiting.
 */
export interface SessionRequest {
  op: string;
}
type FromChild = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { event: unknown };

export class NativeSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Why the child is gone, once it is. */
  exited: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    /** The GPU device the child is pinned to; undefined off a GPU worker. */
    readonly device: string | undefined,
    onEvent: (event: unknown) => void,
    describeExit: (how: string) => string,
  ) {
    child.on('message', (m: FromChild) => {
      if ('event' in m) return onEvent(m.event);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.once('exit', (code, sig) => {
      this.exited = describeExit(sig ?? `code ${code}`);
      for (const p of this.pending.values()) p.reject(new PipelineError('STEP_FAILED', this.exited));
      this.pending.clear();
    });
  }

  /** `script`: `new URL('./x-child.js', import.meta.url)`, so that it joins the caller's code version. */
  static async open(
    script: URL,
    options: SpawnOptions & { onEvent?: (event: unknown) => void; describeExit: (how: string) => string },
  ): Promise<{ session: NativeSession; child: ChildProcess }> {
    const { child, device } = await spawnNative(script, options);
    return { session: new NativeSession(child, device, options.onEvent ?? (() => undefined), options.describeExit), child };
  }

  /** Rejects with the child's error message as a plain Error; the caller words it for its step. */
  request<R>(req: SessionRequest): Promise<R> {
    if (this.exited) return Promise.reject(new PipelineError('STEP_FAILED', this.exited));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...req, id });
    });
  }

  /** Asks the child to close (`op: 'close'`) and waits for it to exit, killing it after `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    await this.request({ op: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The child's side: answers each request with its handler's result, `close` with `onClose` and an
 * exit. Requests run concurrently (a handler may wait for a free sequence).
 */
export function serveSession(handlers: Record<string, (req: never) => Promise<unknown>>, onClose: () => Promise<void> = async () => undefined): void {
  const send = (m: FromChild): void => void process.send?.(m);
  process.on('message', (req: SessionRequest & { id: number }) => {
    const work = req.op === 'close' ? onClose().then(() => null) : ((handlers[req.op] as ((r: unknown) => Promise<unknown>) | undefined)?.(req) ?? Promise.reject(new Error(`unknown op ${req.op}`)));
    work.then(
      (result) => {
        send({ id: req.id, ok: true, result });
        if (req.op === 'close') setImmediate(() => process.exit(0));
      },
      (err: unknown) => send({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  // A blocked main thread (a model load, a long decode) never sees the disconnect: the watchdog does.
  dieWithParent();
}

/** A progress event from inside a session's child. */
export function sendEvent(event: unknown): void {
  process.send?.({ event });
}
