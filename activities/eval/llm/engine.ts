import fs from 'node:fs/promises';
import { PipelineError } from '../../../core/errors.js';
import type { Hardware } from '../../../core/hardware.js';
import { NativeSession } from '../../../native/session.js';
import { acquireCpuModelSlot } from './cpu-slots.js';
import type { GenerateItem, GenerateResult, LoadRequest, LoadResult, LoglikItem, LoglikResult, Request, RollingItem, RollingResult } from './protocol.js';

const CHILD = new URL('./child.js', import.meta.url);

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
  /** The worker's (ctx.hardware): a GPU device to pin the child to, or the CPU model slots to wait for. */
  hardware?: Hardware;
}

/** A step's `engine` options (evaluate, parity) as the engine takes them: `gpu: 'cpu'` is no GPU. */
export function engineOptionsOf(o: { sequences: number; contextSize: number; batchSize: number; threads: number; gpu: 'auto' | 'cpu' }): EngineOptions {
  return { sequences: o.sequences, contextSize: o.contextSize, batchSize: o.batchSize, threads: o.threads, gpu: o.gpu === 'cpu' ? false : 'auto' };
}

/**
 * A GGUF model loaded in a llama.cpp child process (a session of the native runner, native/session.ts).
 * Requests are whole lists, so the child can spread them over its sequences and llama.cpp decodes
 * them in shared batches.
 */
export class LlamaEngine {
  private constructor(
    private readonly session: NativeSession,
    readonly modelPath: string,
  ) {}

  info: LoadResult | undefined;

  static async open(modelPath: string, opts: EngineOptions = {}): Promise<LlamaEngine> {
    await checkGgufHeader(modelPath);
    // On a CPU worker, one llama.cpp child at a time (cpu-slots.ts); on a GPU worker, one per device.
    const gpu = opts.hardware?.gpu;
    const release = gpu ? () => undefined : await acquireCpuModelSlot(opts.hardware?.cpuModelSlots);
    const { session, child } = await NativeSession.open(CHILD, {
      gpu,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
      onEvent: (done) => opts.onProgress?.(done as number),
      describeExit: (how) => `llama.cpp child process exited (${how}) while evaluating ${modelPath}`,
    }).catch((err: unknown) => {
      release();
      throw err;
    });
    child.once('exit', release);
    const engine = new LlamaEngine(session, modelPath);
    if (opts.signal) {
      const kill = (): void => void session.kill();
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
      engine.info = await engine.request<LoadResult>(load);
    } catch (err) {
      await session.kill();
      throw err;
    }
    return engine;
  }

  private request<R>(req: Request): Promise<R> {
    return this.session.request<R>(req).catch((err: unknown) => {
      throw err instanceof PipelineError ? err : new PipelineError('STEP_FAILED', `llama.cpp (${this.modelPath}): ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  generate(items: GenerateItem[]): Promise<GenerateResult[]> {
    return this.request({ op: 'generate', items });
  }

  loglik(items: LoglikItem[]): Promise<LoglikResult[]> {
    return this.request({ op: 'loglik', items });
  }

  rolling(items: RollingItem[]): Promise<RollingResult[]> {
    return this.request({ op: 'rolling', items });
  }

  close(): Promise<void> {
    return this.session.close();
  }

  kill(): Promise<void> {
    return this.session.kill();
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
