import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks the wire format of Anthropic's Messages and Message Batches
 * endpoints, for driving the real @anthropic-ai/sdk in tests (the paid API is the one part a test
 * may replace). Faults are scripted: 429 / 529 / 500 with retry-after, malformed (non-JSON) replies,
 * truncated replies, slow replies, and per-request batch outcomes (succeeded, errored, expired,
 * canceled). Like the real API, it refuses a structured-output schema with keywords the API's
 * grammar does not support (see `schemaProblem`).
 */
export interface MessageBody {
  model: string;
  max_tokens: number;
  system?: string;
  messages: Array<{ role: string; content: string }>;
  output_config?: { format?: { type: string; schema: Record<string, unknown> } };
}

/** What the fake does with one Messages call (or one batch request). */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'status'; status: 429 | 500 | 503 | 529 | 400; retryAfterS?: number }
  | { kind: 'malformed' }
  /** A good reply that arrives after `delayMs` (past the client's timeout, say). */
  | { kind: 'slow'; delayMs: number }
  | { kind: 'truncated' }
  | { kind: 'errored' }
  | { kind: 'expired' }
  | { kind: 'canceled' };

export interface FakeOptions {
  /** The model's reply text for a request (normally valid JSON for the reply schema). */
  reply(body: MessageBody): string;
  /** Fault script for Messages calls: called with the call's number (1-based). */
  messageOutcome?(n: number, body: MessageBody): Outcome;
  /** Fault script for batch requests: called with the custom_id and the batch's number. */
  batchOutcome?(customId: string, batchNo: number): Outcome;
  /** Batch creation faults (e.g. a 529 before the batch is accepted). */
  createOutcome?(n: number): Outcome;
  /** Polls a batch stays `in_progress` before it ends (unless held). */
  pollsUntilEnded?: number;
  apiKey?: string;
  /** Latency of each Messages call, in milliseconds. */
  delayMs?: number;
}

interface Batch {
  id: string;
  no: number;
  createdAt: string;
  requests: Array<{ custom_id: string; params: MessageBody }>;
  polls: number;
  held: boolean;
  ended: boolean;
  results?: string;
}

export class FakeAnthropic {
  private server: http.Server | undefined;
  url = '';
  readonly stats = {
    /** Every message the fake wrote (Messages replies and batch results), with the usage it billed. */
    billed: [] as Array<{ body: MessageBody; inputTokens: number; outputTokens: number }>,
    /** Request bodies refused with 400 for their schema. */
    schemaRefusals: 0,
    messages: 0,
    /** When each Messages call arrived (Date.now()), in order. */
    messageTimes: [] as number[], messageStatuses: {} as Record<string, number>, batchCreates: 0, batchPolls: 0, resultReads: 0, customIds: [] as string[], apiKeys: new Set<string>() };
  readonly batches = new Map<string, Batch>();
  /** New batches are held `in_progress` until `release()` while this is true. */
  holdBatches = false;
  private batchCreatedWaiters: Array<() => void> = [];
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: FakeOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  release(): void {
    for (const b of this.batches.values()) b.held = false;
    this.holdBatches = false;
  }

  /** Resolves once `n` batches exist. */
  waitForBatches(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.batches.size >= n ? (resolve(), true) : false);
      if (!check()) this.batchCreatedWaiters.push(() => void check());
    });
  }

  private json(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}`, ...headers });
    res.end(JSON.stringify(value));
  }

  private error(res: http.ServerResponse, status: number, retryAfterS?: number, message?: string): void {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status === 400 ? 'invalid_request_error' : 'api_error';
    this.json(res, status, { type: 'error', error: { type, message: message ?? `fake ${type}` } }, retryAfterS !== undefined ? { 'retry-after': String(retryAfterS) } : {});
  }

  private message(body: MessageBody, outcome: Outcome): Record<string, unknown> {
    const prompt = `${body.system ?? ''}${body.messages.map((m) => m.content).join('')}`;
    const text = outcome.kind === 'malformed' ? 'Sure! Here is the example: {"input": "oops' : this.o.reply(body);
    const usage = { input_tokens: Math.ceil(prompt.length / 4), output_tokens: Math.ceil(text.length / 4), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    this.stats.billed.push({ body, inputTokens: usage.input_tokens, outputTokens: usage.output_tokens });
    return {
      id: `msg_${randomBytes(8).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text: outcome.kind === 'truncated' ? text.slice(0, Math.floor(text.length / 2)) : text }],
      stop_reason: outcome.kind === 'truncated' ? 'max_tokens' : 'end_turn',
      stop_sequence: null,
      usage,
    };
  }

  private batchObject(b: Batch): Record<string, unknown> {
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (!b.ended) counts.processing = b.requests.length;
    else for (const r of b.requests) counts[this.batchOutcomeType(r.custom_id, b.no, r.params)]++;
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: b.ended ? 'ended' : 'in_progress',
      request_counts: counts,
      created_at: b.createdAt,
      expires_at: new Date(Date.parse(b.createdAt) + 24 * 3600 * 1000).toISOString(),
      ended_at: b.ended ? new Date().toISOString() : null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: b.ended ? `${this.url}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  private batchOutcomeType(customId: string, batchNo: number, params?: MessageBody): 'succeeded' | 'errored' | 'canceled' | 'expired' {
    // The batch API validates each request's params when it runs it: a refused schema is an errored result.
    if (params && bodyProblem(params)) return 'errored';
    const o = this.o.batchOutcome?.(customId, batchNo) ?? { kind: 'ok' };
    return o.kind === 'errored' ? 'errored' : o.kind === 'expired' ? 'expired' : o.kind === 'canceled' ? 'canceled' : 'succeeded';
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    // The API takes the key as `x-api-key` or as a bearer token (what this SDK version sends).
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const key = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : bearer;
    if (key) this.stats.apiKeys.add(key);
    if (this.o.apiKey && key !== this.o.apiKey) return this.json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid API key' } });
    if (!req.headers['anthropic-version']) return this.json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version header is required' } });
    const url = new URL(req.url ?? '/', this.url);
    const p = url.pathname;
    if (req.method === 'POST' && p === '/v1/messages') {
      const n = ++this.stats.messages;
      this.stats.messageTimes.push(Date.now());
      const body = JSON.parse(raw) as MessageBody;
      if (!body.model || !body.max_tokens || !Array.isArray(body.messages)) return this.error(res, 400);
      const problem = bodyProblem(body);
      if (problem) {
        this.stats.schemaRefusals++;
        this.stats.messageStatuses['400'] = (this.stats.messageStatuses['400'] ?? 0) + 1;
        return this.error(res, 400, undefined, problem);
      }
      const outcome = this.o.messageOutcome?.(n, body) ?? { kind: 'ok' };
      this.stats.messageStatuses[outcome.kind === 'status' ? String(outcome.status) : outcome.kind] = (this.stats.messageStatuses[outcome.kind === 'status' ? String(outcome.status) : outcome.kind] ?? 0) + 1;
      if (outcome.kind === 'status') return this.error(res, outcome.status, outcome.retryAfterS);
      const reply = this.message(body, outcome);
      const delay = outcome.kind === 'slow' ? outcome.delayMs : this.o.delayMs;
      if (delay) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (!res.destroyed) this.json(res, 200, reply);
        }, delay);
        this.timers.add(t);
        return;
      }
      return this.json(res, 200, reply);
    }
    if (req.method === 'POST' && p === '/v1/messages/batches') {
      const n = ++this.stats.batchCreates;
      const outcome = this.o.createOutcome?.(n) ?? { kind: 'ok' };
      if (outcome.kind === 'status') return this.error(res, outcome.status, outcome.retryAfterS);
      const body = JSON.parse(raw) as { requests: Array<{ custom_id: string; params: MessageBody }> };
      const ids = new Set<string>();
      for (const r of body.requests) {
        if (!/^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id) || ids.has(r.custom_id)) return this.error(res, 400);
        ids.add(r.custom_id);
      }
      this.stats.customIds.push(...ids);
      const b: Batch = { id: `msgbatch_${randomBytes(8).toString('hex')}`, no: this.batches.size + 1, createdAt: new Date().toISOString(), requests: body.requests, polls: 0, held: this.holdBatches, ended: false };
      this.batches.set(b.id, b);
      for (const w of this.batchCreatedWaiters.splice(0)) w();
      return this.json(res, 200, this.batchObject(b));
    }
    const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(p);
    if (req.method === 'GET' && m) {
      const b = this.batches.get(m[1]!);
      if (!b) return this.json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'no such batch' } });
      if (!m[2]) {
        this.stats.batchPolls++;
        b.polls++;
        if (!b.held && b.polls > (this.o.pollsUntilEnded ?? 1)) b.ended = true;
        return this.json(res, 200, this.batchObject(b));
      }
      if (!b.ended) return this.json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'batch still processing' } });
      this.stats.resultReads++;
      // Results come back in an order other than the requests', as the real API allows.
      const lines = [...b.requests].reverse().map((r) => {
        const outcome = this.o.batchOutcome?.(r.custom_id, b.no) ?? { kind: 'ok' as const };
        const type = this.batchOutcomeType(r.custom_id, b.no, r.params);
        const problem = bodyProblem(r.params);
        const result =
          type === 'succeeded'
            ? { type, message: this.message(r.params, outcome) }
            : type === 'errored'
              ? { type, error: { type: 'error', error: problem ? { type: 'invalid_request_error', message: problem } : { type: 'api_error', message: 'fake internal error' } } }
              : { type };
        return JSON.stringify({ custom_id: r.custom_id, result });
      });
      res.writeHead(200, { 'content-type': 'application/binary' });
      res.end(lines.join('\n') + '\n');
      return;
    }
    this.json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${p}` } });
  }
}

/**
 * Keywords structured outputs refuse, as the API reports them (Anthropic's structured-outputs
 * limits: no numeric bounds, no string length bounds, no array or object size bounds beyond
 * `minItems` 0 or 1). These are the keywords the SDK's `transformJSONSchema` moves into the
 * description.
 */
const UNSUPPORTED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties'];
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

/** Why the API would refuse this structured-output schema, in its message shape; undefined when it accepts it. */
export function schemaProblem(schema: unknown, where = 'output_config.format.schema'): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const s = schema as Record<string, unknown>;
  const type = typeof s.type === 'string' ? s.type : Array.isArray(s.enum) ? 'enum' : 'schema';
  const bad = UNSUPPORTED.filter((k) => k in s).concat(typeof s.minItems === 'number' && s.minItems > 1 ? ['minItems'] : []).sort();
  if (bad.length === 1) return `${where}: For '${type}' type, property '${bad[0]}' is not supported`;
  if (bad.length > 1) return `${where}: For '${type}' type, properties ${bad.join(', ')} are not supported`;
  if (type === 'string' && typeof s.format === 'string' && !FORMATS.has(s.format)) return `${where}: For 'string' type, format '${s.format}' is not supported`;
  if (type === 'object' && s.additionalProperties !== false) return `${where}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  const children: unknown[] = [
    ...Object.values((s.properties as Record<string, unknown> | undefined) ?? {}),
    ...Object.values((s.$defs as Record<string, unknown> | undefined) ?? {}),
    ...((s.anyOf as unknown[] | undefined) ?? []),
    ...((s.allOf as unknown[] | undefined) ?? []),
    s.items,
  ];
  for (const c of children) {
    const p = schemaProblem(c, where);
    if (p) return p;
  }
  return undefined;
}

function bodyProblem(body: MessageBody): string | undefined {
  const f = body.output_config?.format;
  return f?.type === 'json_schema' ? schemaProblem(f.schema) : undefined;
}

/**
 * A "model" for the fake: answers TLP and text-classification prompts (the level or label the
 * prompt asks for) with a varied, valid reply, as a capable model would.
 */
export function classifyingReply(body: MessageBody): string {
  const user = body.messages.map((m) => m.content).join('\n');
  const slot = /Example (\d+)/.exec(user)?.[1] ?? '0';
  const level = /correct level is (TLP:[A-Z+]+)/.exec(user)?.[1];
  if (level) return JSON.stringify({ input: `Record ${slot}: ${level === 'TLP:CLEAR' ? 'public press release' : 'internal finance memo'} number ${slot}`, output: level, reasoning: `Level ${level} fits record ${slot}` });
  const label = /category "([^"]+)"/.exec(user)?.[1] ?? 'unknown';
  return JSON.stringify({ input: `Message ${slot} about ${label} matters`, output: label });
}

/**
 * A "model" for seed 001's JSON families: reads the task and the example number from the prompt
 * and answers with a small, valid example of that task (one that passes the family's checks).
 */
export function jsonExpertReply(body: MessageBody): string {
  const user = body.messages.map((m) => m.content).join('\n');
  const task = /Task: (\w+)( preference pair)?/.exec(user);
  const n = Number(/example (\d+)/.exec(user)?.[1] ?? 0);
  const doc = JSON.stringify({ id: n, name: `item-${n}` });
  switch (task?.[1]) {
    case 'schema_generate':
      return JSON.stringify({ schema: '{"properties":{"id":{"type":"integer"}},"required":["id"],"type":"object"}', output: `{"id":${n}}` });
    case 'json_repair':
      return task[2]
        ? JSON.stringify({ broken_json: `{"id": ${n}, "name": "item-${n}",}`, chosen: doc, rejected: `{"id":${n},"name":"item-${n}",}` })
        : JSON.stringify({ broken_json: `{"id": ${n} "name": "item-${n}"}`, output: doc });
    case 'text_to_json':
      return JSON.stringify({ fields: '{id:int, name:string}', text: `Order ${n} was placed for item-${n}.`, output: doc });
    case 'json_transform':
      return JSON.stringify({ rules: 'rename the key id to key', json: doc, output: JSON.stringify({ key: n, name: `item-${n}` }) });
    case 'json_style_strict':
      return JSON.stringify({ json: `{ "name" : "item-${n}", "id" : ${n} }`, output: doc });
    default:
      return JSON.stringify({ output: 'unknown task' });
  }
}
