import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks the wire format of Anthropic's Messages and Message Batches
 * endpoints, for driving the real @anthropic-ai/sdk in tests (the paid API is the one part a test
 * may replace). Faults are scripted: 429 / 529 / 500 with retry-after, malformed (non-JSON) replies,
 * truncated replies, and per-request batch outcomes (succeeded, errored, expired, canceled).
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
  readonly stats = { messages: 0, messageStatuses: {} as Record<string, number>, batchCreates: 0, batchPolls: 0, resultReads: 0, customIds: [] as string[], apiKeys: new Set<string>() };
  readonly batches = new Map<string, Batch>();
  /** New batches are held `in_progress` until `release()` while this is true. */
  holdBatches = false;
  private batchCreatedWaiters: Array<() => void> = [];

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

  private error(res: http.ServerResponse, status: number, retryAfterS?: number): void {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status === 400 ? 'invalid_request_error' : 'api_error';
    this.json(res, status, { type: 'error', error: { type, message: `fake ${type}` } }, retryAfterS !== undefined ? { 'retry-after': String(retryAfterS) } : {});
  }

  private message(body: MessageBody, outcome: Outcome): Record<string, unknown> {
    const prompt = `${body.system ?? ''}${body.messages.map((m) => m.content).join('')}`;
    const text = outcome.kind === 'malformed' ? 'Sure! Here is the example: {"input": "oops' : this.o.reply(body);
    return {
      id: `msg_${randomBytes(8).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text: outcome.kind === 'truncated' ? text.slice(0, Math.floor(text.length / 2)) : text }],
      stop_reason: outcome.kind === 'truncated' ? 'max_tokens' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: Math.ceil(prompt.length / 4), output_tokens: Math.ceil(text.length / 4), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
  }

  private batchObject(b: Batch): Record<string, unknown> {
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (!b.ended) counts.processing = b.requests.length;
    else for (const r of b.requests) counts[this.batchOutcomeType(r.custom_id, b.no)]++;
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

  private batchOutcomeType(customId: string, batchNo: number): 'succeeded' | 'errored' | 'canceled' | 'expired' {
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
      const body = JSON.parse(raw) as MessageBody;
      if (!body.model || !body.max_tokens || !Array.isArray(body.messages)) return this.error(res, 400);
      const outcome = this.o.messageOutcome?.(n, body) ?? { kind: 'ok' };
      this.stats.messageStatuses[outcome.kind === 'status' ? String(outcome.status) : outcome.kind] = (this.stats.messageStatuses[outcome.kind === 'status' ? String(outcome.status) : outcome.kind] ?? 0) + 1;
      if (outcome.kind === 'status') return this.error(res, outcome.status, outcome.retryAfterS);
      const reply = this.message(body, outcome);
      if (this.o.delayMs) return void setTimeout(() => this.json(res, 200, reply), this.o.delayMs);
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
        const type = this.batchOutcomeType(r.custom_id, b.no);
        const result =
          type === 'succeeded'
            ? { type, message: this.message(r.params, outcome) }
            : type === 'errored'
              ? { type, error: { type: 'error', error: { type: 'api_error', message: 'fake internal error' } } }
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
