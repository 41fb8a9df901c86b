import { PipelineError } from '../../../core/errors.js';
import type { GpuHardware } from '../../../core/hardware.js';
import type { Logger } from '../../../core/log.js';
import { NativeSession } from '../../../native/session.js';
import type { JsonSchema } from '../types.js';
import type { LocalJob, LocalJobResult, LocalLoad, LocalLoaded } from './local-protocol.js';
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
 * A GGUF model through node-llama-cpp, in a child process (a session of the native runner; see local-child.ts). Requests are fed to
 * `sequences` parallel sequences of one context; the JSON-schema grammar makes every complete reply parse.
 */
export class LocalProvider implements Provider {
  readonly name = 'local' as const;
  readonly priceFactor = 1;
  readonly model: string;
  private session: NativeSession | undefined;
  private ready: Promise<void> | undefined;
  device: string | false = false;

  constructor(
    private readonly o: LocalOptions,
    private readonly log: Logger,
    private readonly seed = 0,
    /** The worker's GPU (ctx.hardware.gpu): the child holds one of its devices. */
    private readonly gpu?: GpuHardware,
  ) {
    this.model = `local:${o.modelPath.split(/[\\/]/).pop() ?? o.modelPath}`;
  }

  private start(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    let stderr = '';
    const { session, child } = await NativeSession.open(new URL('./local-child.js', import.meta.url), {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
      gpu: this.gpu,
      describeExit: (how) => `llama.cpp process exited (${how})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
    });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    this.session = session;
    const load: LocalLoad = { op: 'load', modelPath: this.o.modelPath, gpu: this.o.gpu, sequences: this.o.sequences, contextSize: this.o.contextSize, temperature: this.o.temperature, threads: this.o.threads, seed: this.seed };
    try {
      const loaded = await session.request<LocalLoaded>(load);
      this.device = loaded.gpu;
      this.log.info({ gpu: loaded.gpu, sequences: loaded.sequences }, 'local model loaded');
    } catch (err) {
      await session.kill();
      if (err instanceof PipelineError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new PipelineError('DEPENDENCY_MISSING', `the local model could not be loaded from ${this.o.modelPath}: ${message}`, [{ path: 'options.local.modelPath', message }]);
    }
  }

  /** One request on its own, for callers that are not a generation run (the local LLM judge). */
  async complete(req: GenRequest): Promise<GenResult> {
    await this.start();
    return this.ask(req);
  }

  private async ask(req: GenRequest): Promise<GenResult> {
    const job: LocalJob = { op: 'job', id: req.id, system: req.system, user: req.user, schema: boundStrings(req.schema, this.o.maxStringChars), maxTokens: req.maxTokens };
    try {
      const m = await this.session!.request<LocalJobResult>(job);
      if (!m.ok) return { id: req.id, ok: false, reason: 'provider_error', detail: m.error, billed: false, inputTokens: 0, outputTokens: 0 };
      if (m.truncated) return { id: req.id, ok: false, reason: 'truncated', detail: 'the reply hit max_tokens', billed: true, inputTokens: m.inputTokens, outputTokens: m.outputTokens };
      return { id: req.id, ok: true, text: m.text, inputTokens: m.inputTokens, outputTokens: m.outputTokens };
    } catch (err) {
      // The child is gone (a crash, a kill): this request fails, not the step.
      return { id: req.id, ok: false, reason: 'provider_error', detail: err instanceof Error ? err.message : String(err), billed: false, inputTokens: 0, outputTokens: 0 };
    }
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
        const result = await this.ask(req);
        await io.onResult(result, admitted.token);
      }
    };
    await Promise.all(Array.from({ length: window }, () => lane()));
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}
