import { afterEach, describe, expect, it } from '@jest/globals';
import { classifyingReply, FakeAnthropic, type FakeOptions, type MessageBody, type Outcome } from '../support/fake-anthropic.js';
import { countBy, generate, tempHome, tlpConfig } from './helpers.js';

const KEY = 'sk-ant-test-0123456789abcdef';
const slotOf = (body: MessageBody) => Number(/Example (\d+)/.exec(body.messages[0]!.content)?.[1] ?? -1);

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(o: Partial<FakeOptions> = {}): Promise<Record<string, string>> {
  fake = new FakeAnthropic({ reply: classifyingReply, apiKey: KEY, ...o });
  const url = await fake.start();
  return { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url };
}

const tlp = tlpConfig;

describe('anthropic provider: Messages API', () => {
  it('retries 429/529/500 with retry-after, regenerates malformed and truncated replies, and keeps the exact distribution', async () => {
    const script: Record<number, Outcome> = {
      1: { kind: 'status', status: 429, retryAfterS: 0 },
      2: { kind: 'status', status: 529, retryAfterS: 0 },
      3: { kind: 'status', status: 500 },
      5: { kind: 'malformed' },
      7: { kind: 'truncated' },
    };
    const env = await start({ messageOutcome: (n) => script[n] ?? { kind: 'ok' } });
    const run = await generate(tlp(20), env);
    expect(run.records).toHaveLength(20);
    expect(run.rejects).toHaveLength(0);
    expect(countBy(run.records, (r) => String(r.output))).toEqual({ 'TLP:CLEAR': 5, 'TLP:GREEN': 4, 'TLP:AMBER': 6, 'TLP:AMBER+STRICT': 3, 'TLP:RED': 2 });
    const m = run.metadata as { httpRetries: number; families: { tlp: { retried: Record<string, number> } }; usage: { total: { requests: number; inputTokens: number; outputTokens: number; usd: number } } };
    expect(m.httpRetries).toBe(3);
    expect(m.families.tlp.retried).toEqual({ reply_not_json: 1, truncated: 1 });
    expect(fake!.stats.messages).toBe(20 + 3 + 2);
    // Every request that reached the model is billed, the failed HTTP calls are not.
    expect(m.usage.total.requests).toBe(22);
    expect(m.usage.total.inputTokens).toBeGreaterThan(0);
    // claude-haiku-4-5 at $1 / $5 per million tokens.
    expect(m.usage.total.usd).toBeCloseTo((m.usage.total.inputTokens * 1 + m.usage.total.outputTokens * 5) / 1e6, 6);
    expect([...fake!.stats.apiKeys]).toEqual([KEY]);
    // Neither the key nor generated text reaches the logs or the (history-bound) metadata.
    expect(run.logs).not.toContain(KEY);
    expect(JSON.stringify(run.metadata)).not.toContain(KEY);
    expect(JSON.stringify(run.metadata)).not.toContain(String(run.records[0]!.input));
    expect(run.logs).not.toContain(String(run.records[0]!.input));
  });

  it('rejects an example with its reason once the retry budget is spent', async () => {
    const env = await start({ messageOutcome: (_n, body) => (slotOf(body) === 4 ? { kind: 'malformed' } : { kind: 'ok' }) });
    const run = await generate(tlp(10, { maxAttempts: 3 }), env);
    expect(run.records).toHaveLength(9);
    expect(run.rejects).toHaveLength(1);
    expect(run.rejects[0]).toMatchObject({ line: 5, reason: 'reply_not_json' });
    expect(run.metadata).toMatchObject({ kept: 9, rejected: 1, unfinished: 0, dropped: { reply_not_json: 1 }, families: { tlp: { rejected: { reply_not_json: 1 }, retried: { reply_not_json: 2 } } } });
  });

  it('gives up on a request after maxHttpRetries and reports provider_error', async () => {
    const env = await start({ messageOutcome: (_n, body) => (slotOf(body) === 0 ? { kind: 'status', status: 529, retryAfterS: 0 } : { kind: 'ok' }) });
    const run = await generate(tlp(4, { maxAttempts: 2, anthropic: { maxHttpRetries: 2 } }), env);
    expect(run.rejects.map((r) => r.reason)).toEqual(['provider_error']);
    expect(run.rejects[0]!.detail).toContain('529');
    expect(fake!.stats.messageStatuses['529']).toBe(2 * 3);
  });

  it('stops cleanly at maxRequests and resumes from its journal, paying only for the rest', async () => {
    const env = await start();
    const home = await tempHome();
    const first = await generate(tlp(30, { budget: { maxRequests: 10 } }), env, { home });
    expect(first.metadata).toMatchObject({ stoppedBy: 'maxRequests', kept: 10, unfinished: 20 });
    expect(fake!.stats.messages).toBe(10);
    const second = await generate(tlp(30, { budget: { maxRequests: 100 } }), env, { home });
    expect(second.metadata).toMatchObject({ stoppedBy: null, kept: 30, unfinished: 0, resumed: { slotsDone: 10 } });
    expect(fake!.stats.messages).toBe(30);
    expect(new Set(second.records.map((r) => r.id)).size).toBe(30);
    expect(second.records.slice(0, 10)).toEqual(first.records);
  });

  it('never spends past maxUsd, even with requests in flight', async () => {
    const env = await start();
    const prices = { 'claude-haiku-4-5': { inputPerMTok: 1000, outputPerMTok: 1000 } };
    const run = await generate(tlp(40, { prices, budget: { maxUsd: 2 }, anthropic: { concurrency: 8 } }), env);
    const m = run.metadata as { stoppedBy: string; kept: number; usage: { total: { usd: number } } };
    expect(m.stoppedBy).toBe('maxUsd');
    expect(m.kept).toBeGreaterThan(0);
    expect(m.kept).toBeLessThan(40);
    expect(m.usage.total.usd).toBeLessThanOrEqual(2);
  });

  it('fails for good on a refused key, and when no key is set', async () => {
    const env = await start();
    await expect(generate(tlp(3), { ...env, ANTHROPIC_API_KEY: 'sk-wrong' })).rejects.toMatchObject({ code: 'CONFIG', retryable: false });
    await expect(generate(tlp(3), { ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL! })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('anthropic provider: Message Batches', () => {
  it('matches unordered results by custom_id and regenerates errored, expired, canceled and malformed requests', async () => {
    const faults: Record<string, Outcome> = { 2: { kind: 'errored' }, 5: { kind: 'expired' }, 7: { kind: 'canceled' }, 9: { kind: 'malformed' } };
    const env = await start({
      pollsUntilEnded: 2,
      batchOutcome: (id) => (/-a0$/.test(id) ? (faults[Number(/-s(\d+)-/.exec(id)![1])] ?? { kind: 'ok' }) : { kind: 'ok' }),
      createOutcome: (n) => (n === 1 ? { kind: 'status', status: 529, retryAfterS: 0 } : { kind: 'ok' }),
    });
    const run = await generate(tlp(30, { anthropic: { mode: 'batch', batchSize: 12, pollIntervalMs: 5 } }), env);
    expect(run.records).toHaveLength(30);
    expect(new Set(run.records.map((r) => r.id)).size).toBe(30);
    expect(countBy(run.records, (r) => String(r.output))).toEqual({ 'TLP:CLEAR': 8, 'TLP:GREEN': 6, 'TLP:AMBER': 9, 'TLP:AMBER+STRICT': 4, 'TLP:RED': 3 });
    expect(run.metadata).toMatchObject({ priceFactor: 0.5, families: { tlp: { retried: { batch_errored: 1, batch_expired: 1, batch_canceled: 1, reply_not_json: 1 } } } });
    // Three batches for the 30 requests, one more for the four to redo; the 529 on create was retried.
    expect(fake!.batches.size).toBe(4);
    expect(fake!.stats.batchCreates).toBe(5);
    expect(fake!.stats.customIds).toHaveLength(34);
    expect(new Set(fake!.stats.customIds).size).toBe(34);
    const usage = (run.metadata as { usage: { total: { inputTokens: number; outputTokens: number; usd: number } } }).usage.total;
    expect(usage.usd).toBeCloseTo(((usage.inputTokens * 1 + usage.outputTokens * 5) / 1e6) * 0.5, 6);
  });
});

describe("anthropic provider: mode 'auto'", () => {
  it('uses the Messages API below batchThreshold and Message Batches from it on', async () => {
    const env = await start({ pollsUntilEnded: 1 });
    const auto = { mode: 'auto', batchThreshold: 5, pollIntervalMs: 5 };
    const below = await generate(tlp(4, { anthropic: auto }), env);
    expect(below.metadata).toMatchObject({ kept: 4, priceFactor: 1 });
    expect(fake!.stats.messages).toBe(4);
    expect(fake!.stats.batchCreates).toBe(0);
    const at = await generate(tlp(5, { anthropic: auto }), env);
    expect(at.metadata).toMatchObject({ kept: 5, priceFactor: 0.5 });
    expect(fake!.stats.messages).toBe(4);
    expect(fake!.batches.size).toBe(1);
    expect(fake!.stats.customIds).toHaveLength(5);
  });
});
