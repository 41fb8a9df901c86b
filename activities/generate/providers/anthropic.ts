import Anthropic, { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type { Logger } from '../../../core/log.js';
import { PipelineError } from '../../../core/errors.js';
import { backoffDelay, retryAfterMs, wait, type BackoffOptions } from '../retry.js';
import type { JsonSchema } from '../types.js';
import type { BatchRecord, GenRequest, GenResult, Provider, ProviderIO } from './types.js';

export interface AnthropicOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  mode: 'messages' | 'batch';
  concurrency: number;
  requestTimeoutMs: number;
  maxHttpRetries: number;
  backoff: BackoffOptions;
  batchSize: number;
  pollIntervalMs: number;
}

type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

/** HTTP statuses worth another try: timeouts, conflicts, rate limits, server errors and 529 (overloaded). */
const RETRYABLE = (status: number | undefined) => status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * Claude through @anthropic-ai/sdk: the Messages API with a bounded pool of concurrent requests, or
 * Message Batches (half the price; results unordered and matched by custom_id). Replies are
 * constrained by structured outputs (`output_config.format` = the reply's JSON Schema, reduced to the
 * subset the API accepts: see `wireSchema`). The SDK's own retries are off: this provider retries with full-jitter backoff that honours `retry-after`,
 * so that every retry is counted and cancellable.
 */
export class AnthropicProvider implements Provider {
  readonly name = 'anthropic' as const;
  readonly priceFactor: number;
  readonly model: string;
  private readonly client: Anthropic;
  httpRetries = 0;

  constructor(
    private readonly o: AnthropicOptions,
    private readonly log: Logger,
  ) {
    this.model = o.model;
    this.priceFactor = o.mode === 'batch' ? 0.5 : 1;
    this.client = new Anthropic({ apiKey: o.apiKey, baseURL: o.baseURL ?? null, maxRetries: 0, timeout: o.requestTimeoutMs, logLevel: 'off' });
  }

  private params(req: GenRequest): MessageParams {
    return {
      model: this.o.model,
      max_tokens: req.maxTokens,
      system: req.system,
      messages: [{ role: 'user', content: req.user }],
      output_config: { format: { type: 'json_schema', schema: wireSchema(req.schema) } },
    };
  }

  /** Calls `fn`, retrying transient failures; a bad key fails the step for good. */
  private async withRetries<T>(what: string, fn: () => Promise<T>, signal: AbortSignal): Promise<{ ok: true; value: T } | { ok: false; status: number | undefined; detail: string }> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      try {
        return { ok: true, value: await fn() };
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        const status = err instanceof APIError ? err.status : undefined;
        if (status === 401 || status === 403) {
          throw new PipelineError('CONFIG', `Anthropic refused the credentials (HTTP ${status}); check ANTHROPIC_API_KEY`, [{ path: 'env.ANTHROPIC_API_KEY', message: `HTTP ${status}` }]);
        }
        const transient = err instanceof APIConnectionError || !(err instanceof APIError) || RETRYABLE(status);
        const detail = status !== undefined ? `HTTP ${status}${err instanceof APIError && err.type ? ` ${err.type}` : ''}${transient ? '' : apiMessage(err)}` : err instanceof Error ? err.constructor.name : 'error';
        if (!transient || attempt >= this.o.maxHttpRetries) return { ok: false, status, detail: `${what}: ${detail}${transient ? ` after ${attempt + 1} tries` : ''}` };
        const delay = backoffDelay(attempt, this.o.backoff, retryAfterMs(err instanceof APIError ? err.headers : undefined));
        this.httpRetries++;
        this.log.debug({ what, status, attempt, delayMs: delay }, 'retrying Anthropic request');
        await wait(delay, signal);
      }
    }
  }

  async run(requests: GenRequest[], io: ProviderIO): Promise<void> {
    if (this.o.mode === 'batch') await this.runBatches(requests, io);
    else await this.runMessages(requests, io);
  }

  // ---- Messages API ----
  private async runMessages(requests: GenRequest[], io: ProviderIO): Promise<void> {
    let next = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop && next < requests.length) {
        const req = requests[next++]!;
        const admitted = io.admit(req);
        if (!admitted.ok) {
          stop = true;
          return;
        }
        const r = await this.withRetries('messages.create', () => this.client.messages.create(this.params(req), { signal: io.signal }), io.signal);
        await io.onResult(r.ok ? fromMessage(req.id, r.value) : failure(req.id, 'provider_error', r.detail, false), admitted.token);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.o.concurrency) }, () => worker()));
  }

  // ---- Message Batches ----
  async resume(batches: BatchRecord[], io: ProviderIO): Promise<void> {
    await this.consume(batches, io, new Map());
  }

  private async runBatches(requests: GenRequest[], io: ProviderIO): Promise<void> {
    const created: BatchRecord[] = [];
    const tokens = new Map<string, number>();
    for (let i = 0; i < requests.length; i += this.o.batchSize) {
      const chunk: GenRequest[] = [];
      for (const req of requests.slice(i, i + this.o.batchSize)) {
        const admitted = io.admit(req);
        if (!admitted.ok) break;
        chunk.push(req);
        tokens.set(req.id, admitted.token);
      }
      if (chunk.length === 0) break;
      const r = await this.withRetries(
        'batches.create',
        () => this.client.messages.batches.create({ requests: chunk.map((req) => ({ custom_id: req.id, params: this.params(req) })) }, { signal: io.signal }),
        io.signal,
      );
      if (!r.ok) {
        for (const req of chunk) await io.onResult(failure(req.id, 'provider_error', r.detail, false), tokens.get(req.id)!);
        continue;
      }
      const record = { batchId: r.value.id, ids: chunk.map((c) => c.id) };
      await io.onBatchCreated(record);
      created.push(record);
      if (chunk.length < Math.min(this.o.batchSize, requests.length - i)) break;
    }
    await this.consume(created, io, tokens);
  }

  /** Polls the batches until each has ended, then streams its results (matched by custom_id). */
  private async consume(batches: BatchRecord[], io: ProviderIO, tokens: Map<string, number>): Promise<void> {
    const open = [...batches];
    while (open.length > 0) {
      for (let i = 0; i < open.length; i++) {
        const b = open[i]!;
        const r = await this.withRetries('batches.retrieve', () => this.client.messages.batches.retrieve(b.batchId, {}, { signal: io.signal }), io.signal);
        if (!r.ok) throw new PipelineError('EXTERNAL_SERVICE', `could not read Message Batch ${b.batchId}: ${r.detail}`);
        const c = r.value.request_counts;
        io.progress(`batch ${b.batchId}: ${r.value.processing_status} (${c.processing} processing, ${c.succeeded} succeeded)`);
        if (r.value.processing_status !== 'ended') continue;
        await this.readResults(b, io, tokens);
        await io.onBatchConsumed(b.batchId);
        open.splice(i--, 1);
      }
      if (open.length > 0) await wait(this.o.pollIntervalMs, io.signal);
    }
  }

  private async readResults(b: BatchRecord, io: ProviderIO, tokens: Map<string, number>): Promise<void> {
    const seen = new Set<string>();
    const r = await this.withRetries(
      'batches.results',
      async () => {
        const lines: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
        for await (const line of await this.client.messages.batches.results(b.batchId, {}, { signal: io.signal })) lines.push(line);
        return lines;
      },
      io.signal,
    );
    if (!r.ok) throw new PipelineError('EXTERNAL_SERVICE', `could not read the results of Message Batch ${b.batchId}: ${r.detail}`);
    for (const line of r.value) {
      if (seen.has(line.custom_id)) continue;
      seen.add(line.custom_id);
      const token = tokens.get(line.custom_id) ?? -1;
      const res = line.result;
      if (res.type === 'succeeded') await io.onResult(fromMessage(line.custom_id, res.message), token);
      else if (res.type === 'errored') await io.onResult(failure(line.custom_id, 'batch_errored', `${res.error.error.type}`, false), token);
      else if (res.type === 'expired') await io.onResult(failure(line.custom_id, 'batch_expired', 'the batch expired before this request ran', false), token);
      else await io.onResult(failure(line.custom_id, 'batch_canceled', 'the request was canceled', false), token);
    }
    for (const id of b.ids) {
      if (!seen.has(id)) await io.onResult(failure(id, 'batch_errored', 'missing from the batch results', false), tokens.get(id) ?? -1);
    }
  }

  async close(): Promise<void> {}
}

/** The API's own explanation of a refused request (an invalid schema, a bad parameter): never prompt text. */
function apiMessage(err: unknown): string {
  const body = err instanceof APIError ? (err.error as { error?: { message?: unknown } } | undefined) : undefined;
  const m = body?.error?.message;
  return typeof m === 'string' && m ? `: ${m.slice(0, 300)}` : '';
}

const wireSchemas = new Map<string, JsonSchema>();

/**
 * The reply schema as structured outputs accept it. The API answers 400 to keywords its grammar
 * cannot express (`minimum` / `maximum` on numbers, `minLength` / `maxLength` on strings, `maxItems`,
 * ...), so the SDK's own `transformJSONSchema` (what its `jsonSchemaOutputFormat` and
 * `zodOutputFormat` helpers send) moves them into the `description`, where the model still reads
 * them, and closes every object with `additionalProperties: false`. The engine validates each reply
 * against the full schema, so a dropped constraint is still enforced (`reply_schema_mismatch`).
 */
export function wireSchema(schema: JsonSchema): JsonSchema {
  // Key order is kept: structured outputs write the properties in the schema's order.
  const key = JSON.stringify(schema);
  let wire = wireSchemas.get(key);
  if (!wire) {
    try {
      wire = transformJSONSchema(schema);
    } catch (err) {
      // A reply schema is part of a family's definition: no retry can fix it.
      throw new PipelineError('INVALID_STEP_OPTIONS', `a reply schema cannot be sent as a structured output: ${err instanceof Error ? err.message : String(err)}`, [
        { path: 'replySchema', message: key.slice(0, 200) },
      ]);
    }
    if (wireSchemas.size > 1000) wireSchemas.clear();
    wireSchemas.set(key, wire);
  }
  return wire;
}

function failure(id: string, reason: Extract<GenResult, { ok: false }>['reason'], detail: string, billed: boolean, inputTokens = 0, outputTokens = 0): GenResult {
  return { id, ok: false, reason, detail, billed, inputTokens, outputTokens };
}

function fromMessage(id: string, m: Anthropic.Message): GenResult {
  const inputTokens = m.usage.input_tokens + (m.usage.cache_creation_input_tokens ?? 0) + (m.usage.cache_read_input_tokens ?? 0);
  const outputTokens = m.usage.output_tokens;
  if (m.stop_reason === 'max_tokens') return failure(id, 'truncated', 'the reply hit max_tokens', true, inputTokens, outputTokens);
  if (m.stop_reason === 'refusal') return failure(id, 'refused', 'the model declined', true, inputTokens, outputTokens);
  const text = m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return { id, ok: true, text, inputTokens, outputTokens };
}
