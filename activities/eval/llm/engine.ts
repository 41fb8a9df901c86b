import { fork, type ChildProcess } from 'node:child_process';
import { childEnv } from '../../../core/process/die-with-parent.js';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../../core/errors.js';
import { acquireCpuModelSlot } from './cpu-slots.js';
import type {
  ChildMessage,
  GenerateItem,
  GenerateResult,
  LoadRequest,
  LoadResult,
  LoglikItem,
  LoglikResult,
  ParentMessage,
  Request,
  RollingItem,
  RollingResult,
} from './protocol.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

export interface EngineOptions {
  /** Parallel sequences (the batch width of log-likelihood scoring and generation); 1 is one-by-one. */
  sequences?: number;
  contextSize?: number;
  batchSize?: number;
  /** 0: llama.cpp's default. */
  threads?: number;
  gpu?: 'auto' | false;
  /** Prompts hold a chat template's special-token text, to be parsed as those tokens. */
  specialTokens?: boolean;
  signal?: AbortSignal;
  /** Called with the number of items done in the current request. */
  onProgress?: (done: number) => void;
}

/** A step's `engine` options (evaluate, parity) as the engine takes them: `gpu: 'cpu'` is no GPU. */
export function engineOptionsOf(o: { sequences: number; contextSize: number; batchSize: number; threads: number; gpu: 'auto' | 'cpu' }): EngineOptions {
  return { sequences: o.sequences, contextSize: o.contextSize, batchSize: o.batchSize, threads: o.threads, gpu: o.gpu === 'cpu' ? false : 'auto' };
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * A GGUF model loaded in a llama.cpp child process. Requests are whole lists, so the child can
 * spread them over its sequences and llama.cpp decodes them in shared batches.
 */
export class LlamaEngine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly onProgress: ((done: number) => void) | undefined,
    readonly modelPath: string,
  ) {
    child.on('message', (m: ChildMessage) => {
      if ('progress' in m) return this.onProgress?.(m.progress);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new PipelineError('STEP_FAILED', `llama.cpp (${modelPath}): ${m.error}`));
    });
    child.on('exit', (code, sig) => {
      this.exited = `llama.cpp child process exited (${sig ?? `code ${code}`}) while evaluating ${modelPath}`;
      for (const p of this.pending.values()) p.reject(new PipelineError('STEP_FAILED', this.exited));
      this.pending.clear();
    });
  }

  info: LoadResult | undefined;

  static async open(modelPath: string, opts: EngineOptions = {}): Promise<LlamaEngine> {
    await checkGgufHeader(modelPath);
    // On a CPU worker, one llama.cpp child at a time (cpu-slots.ts); a GPU worker sets FORGELINE_GPU.
    const release = process.env.FORGELINE_GPU ? () => undefined : await acquireCpuModelSlot();
    const child = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', env: { ...process.env, ...childEnv() } });
    child.once('exit', release);
    const engine = new LlamaEngine(child, opts.onProgress, modelPath);
    if (opts.signal) {
      const kill = (): void => void engine.kill();
      if (opts.signal.aborted) kill();
      opts.signal.addEventListener('abort', kill, { once: true });
      child.once('exit', () => opts.signal?.removeEventListener('abort', kill));
    }
    const load: LoadRequest = {
      op: 'load',
      modelPath,
      sequences: Math.max(1, opts.sequences ?? 8),
      contextSize: opts.contextSize ?? 2048,
      batchSize: opts.batchSize ?? 512,
      threads: opts.threads ?? 0,
      gpu: opts.gpu ?? 'auto',
      specialTokens: opts.specialTokens ?? false,
    };
    try {
      engine.info = (await engine.request(load)) as LoadResult;
    } catch (err) {
      await engine.kill();
      throw err;
    }
    return engine;
  }

  private request(req: Request): Promise<unknown> {
    if (this.exited) return Promise.reject(new PipelineError('STEP_FAILED', this.exited));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...req, id } as ParentMessage);
    });
  }

  generate(items: GenerateItem[]): Promise<GenerateResult[]> {
    return this.request({ op: 'generate', items }) as Promise<GenerateResult[]>;
  }

  loglik(items: LoglikItem[]): Promise<LoglikResult[]> {
    return this.request({ op: 'loglik', items }) as Promise<LoglikResult[]>;
  }

  rolling(items: RollingItem[]): Promise<RollingResult[]> {
    return this.request({ op: 'rolling', items }) as Promise<RollingResult[]>;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    await this.request({ op: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
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
 * Checks the GGUF magic and version before llama.cpp sees the file: node-llama-cpp's reader was
 * seen to spin on a file with a garbage version instead of failing.
 */
async function checkGgufHeader(file: string): Promise<void> {
  const fh = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new PipelineError('ARTIFACT_MISSING', `model file not readable: ${file} (${err.code ?? err.message})`);
  });
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    const version = head.readUInt32LE(4);
    if (bytesRead < 8 || head.toString('latin1', 0, 4) !== 'GGUF' || version < 2 || version > 3) {
      throw new PipelineError('INVALID_INPUT_DATA', `${file}: not a GGUF v2/v3 model file`, [{ path: file, message: 'bad GGUF magic or version' }]);
    }
  } finally {
    await fh.close();
  }
}
