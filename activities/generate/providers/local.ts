import { fork, type ChildProcess } from 'node:child_process';
import { childEnv } from '../../../core/process/die-with-parent.js';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import type { JsonSchema } from '../types.js';
import type { FromChild, LocalInit } from './local-protocol.js';
import type { GenRequest, GenResult, Provider, ProviderIO } from './types.js';

export interface LocalOptions {
  modelPath: string;
  gpu: 'auto' | 'cpu';
  sequences: number;
  contextSize: number;
  temperature: number;
  threads: number;
  maxStringChars: number;
}

/**
 * A grammar needs every string bounded, or a weak model can write one string until max_tokens; long
 * bounds also make llama.cpp's grammar slow. Every string gets at most `maxChars` (the checks still
 * apply the reply schema's own, looser bounds).
 */
export function boundStrings(schema: JsonSchema, maxChars: number): JsonSchema {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!s || typeof s !== 'object') return s;
    const o = Object.fromEntries(Object.entries(s as Record<string, unknown>).map(([k, v]) => [k, walk(v)]));
    if (o.type === 'string' && o.format === undefined) o.maxLength = Math.min(typeof o.maxLength === 'number' ? o.maxLength : Infinity, maxChars);
    return o;
  };
  return walk(schema) as JsonSchema;
}

/**
 * A GGUF model through node-llama-cpp, in a child process (see local-child.ts). Requests are fed to
 * `sequences` parallel sequences of one context; the JSON-schema grammar makes every complete reply parse.
 */
export class LocalProvider implements Provider {
  readonly name = 'local' as const;
  readonly priceFactor = 1;
  readonly model: string;
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly waiting = new Map<string, (r: GenResult) => void>();
  private fatal: string | undefined;
  device: string | false = false;

  constructor(
    private readonly o: LocalOptions,
    private readonly log: Logger,
    private readonly seed = 0,
  ) {
    this.model = `local:${o.modelPath.split(/[\\/]/).pop() ?? o.modelPath}`;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(fileURLToPath(new URL('./local-child.js', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ...childEnv() } });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromChild) => {
        if (m.type === 'ready') {
          this.device = m.gpu;
          this.log.info({ gpu: m.gpu, sequences: m.sequences }, 'local model loaded');
          resolve();
        } else if (m.type === 'fatal') {
          this.fatal = m.error;
          reject(new PipelineError('DEPENDENCY_MISSING', `the local model could not be loaded from ${this.o.modelPath}: ${m.error}`, [{ path: 'options.local.modelPath', message: m.error }]));
        } else if (m.type === 'result') {
          const done = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          done?.(
            m.ok
              ? m.truncated
                ? { id: m.id, ok: false, reason: 'truncated', detail: 'the reply hit max_tokens', billed: true, inputTokens: m.inputTokens, outputTokens: m.outputTokens }
                : { id: m.id, ok: true, text: m.text, inputTokens: m.inputTokens, outputTokens: m.outputTokens }
              : { id: m.id, ok: false, reason: 'provider_error', detail: m.error, billed: false, inputTokens: 0, outputTokens: 0 },
          );
        }
      });
      child.on('exit', (code, signal) => {
        const why = this.fatal ?? `llama.cpp process exited (${signal ?? code})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
        reject(new PipelineError('STEP_FAILED', why));
        for (const [id, done] of this.waiting) done({ id, ok: false, reason: 'provider_error', detail: why, billed: false, inputTokens: 0, outputTokens: 0 });
        this.waiting.clear();
        this.child = undefined;
      });
    });
    const init: LocalInit = { type: 'init', modelPath: this.o.modelPath, gpu: this.o.gpu, sequences: this.o.sequences, contextSize: this.o.contextSize, temperature: this.o.temperature, threads: this.o.threads, seed: this.seed };
    child.send(init);
    return this.ready;
  }

  async run(requests: GenRequest[], io: ProviderIO): Promise<void> {
    await this.start();
    // Keep twice the sequences in flight so that a sequence never idles between jobs.
    const window = this.o.sequences * 2;
    let next = 0;
    let stop = false;
    const lane = async (): Promise<void> => {
      while (!stop && next < requests.length) {
        if (io.signal.aborted) throw io.signal.reason ?? new Error('cancelled');
        const req = requests[next++]!;
        const admitted = io.admit(req);
        if (!admitted.ok) {
          stop = true;
          return;
        }
        const result = await new Promise<GenResult>((resolve) => {
          if (!this.child) return resolve({ id: req.id, ok: false, reason: 'provider_error', detail: 'llama.cpp process is gone', billed: false, inputTokens: 0, outputTokens: 0 });
          this.waiting.set(req.id, resolve);
          this.child.send({ type: 'job', id: req.id, system: req.system, user: req.user, schema: boundStrings(req.schema, this.o.maxStringChars), maxTokens: req.maxTokens });
        });
        await io.onResult(result, admitted.token);
      }
    };
    await Promise.all(Array.from({ length: window }, () => lane()));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.send({ type: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
