import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PRICES, type Usage } from '../../activities/generate/budget.js';
import { jsonExpertReply, type FakeAnthropic, type Outcome } from '../support/fake-anthropic.js';
import { countBy, FAST_BACKOFF, generate, taskOf, useFakeAnthropic } from './helpers.js';


interface UsageMeta {
  model: string;
  priceFactor: number;
  usage: { total: Usage; perFamily: Record<string, Usage> };
}

const startFake = useFakeAnthropic();

/** What the fake billed, per task family, from the request bodies it answered. */
function billedBy(f: FakeAnthropic, model?: string): Record<string, { requests: number; inputTokens: number; outputTokens: number }> {
  const out: Record<string, { requests: number; inputTokens: number; outputTokens: number }> = {};
  for (const b of f.stats.billed) {
    if (model) expect(b.body.model).toBe(model);
    const u = (out[taskOf(b.body)] ??= { requests: 0, inputTokens: 0, outputTokens: 0 });
    u.requests++;
    u.inputTokens += b.inputTokens;
    u.outputTokens += b.outputTokens;
  }
  return out;
}

describe('token and cost accounting', () => {
  it('splits usage per family: the families sum to the total, each matches what the API billed and the price table', async () => {
    // One malformed reply: its request is billed to its own family and regenerated.
    const s = await startFake({ reply: jsonExpertReply, messageOutcome: (n): Outcome => (n === 3 ? { kind: 'malformed' } : { kind: 'ok' }) });
    const { fake } = s;
    const run = await generate({ provider: 'anthropic', preset: 'json-expert', count: 20, maxTokens: 300, anthropic: { mode: 'messages', concurrency: 4, backoff: FAST_BACKOFF } }, s.env);
    expect(run.rejects).toEqual([]);
    expect(countBy(run.records, (r) => String(r.task))).toEqual({ schema_generate: 8, json_repair: 4, text_to_json: 4, json_transform: 2, json_style_strict: 2 });
    const m = run.metadata as unknown as UsageMeta;
    const families = Object.keys(m.usage.perFamily).sort();
    expect(families).toEqual(['json_repair', 'json_style_strict', 'json_transform', 'schema_generate', 'text_to_json']);
    const sum = (k: keyof Usage) => families.reduce((a, f) => a + m.usage.perFamily[f]![k], 0);
    expect(sum('requests')).toBe(21);
    expect(m.usage.total.requests).toBe(21);
    expect(sum('inputTokens')).toBe(m.usage.total.inputTokens);
    expect(sum('outputTokens')).toBe(m.usage.total.outputTokens);
    expect(sum('usd')).toBeCloseTo(m.usage.total.usd, 5);
    const billed = billedBy(fake);
    const haiku = DEFAULT_PRICES['claude-haiku-4-5']!;
    for (const f of families) {
      const u = m.usage.perFamily[f]!;
      expect([f, u.requests, u.inputTokens, u.outputTokens]).toEqual([f, billed[f]!.requests, billed[f]!.inputTokens, billed[f]!.outputTokens]);
      expect(u.usd).toBeCloseTo((u.inputTokens * haiku.inputPerMTok + u.outputTokens * haiku.outputPerMTok) / 1e6, 6);
    }
    expect(Object.values(billed).reduce((a, b) => a + b.requests, 0)).toBe(21);
  });

  it('a non-default model is the one requested and the one priced (built-in table and the prices option)', async () => {
    const s = await startFake();
    const { fake } = s;
    const tlp = (model: string, extra: Record<string, unknown> = {}) => ({ provider: 'anthropic', preset: 'tlp', count: 5, maxTokens: 200, ...extra, anthropic: { mode: 'messages', backoff: FAST_BACKOFF, model } });

    const sonnet = await generate(tlp('claude-sonnet-4-6'), s.env);
    const ms = sonnet.metadata as unknown as UsageMeta;
    expect(ms.model).toBe('claude-sonnet-4-6');
    expect(sonnet.records.map((r) => (r.meta as { model: string }).model)).toEqual(Array(5).fill('claude-sonnet-4-6'));
    const b1 = billedBy(fake, 'claude-sonnet-4-6').tlp!;
    expect([ms.usage.total.inputTokens, ms.usage.total.outputTokens]).toEqual([b1.inputTokens, b1.outputTokens]);
    // $3 / $15 per million tokens, not haiku's $1 / $5.
    expect(ms.usage.total.usd).toBeCloseTo((b1.inputTokens * 3 + b1.outputTokens * 15) / 1e6, 6);

    fake.stats.billed.length = 0;
    const custom = await generate(tlp('claude-test-model', { prices: { 'claude-test-model': { inputPerMTok: 2, outputPerMTok: 7 } } }), s.env);
    const mc = custom.metadata as unknown as UsageMeta;
    const b2 = billedBy(fake, 'claude-test-model').tlp!;
    expect(mc.model).toBe('claude-test-model');
    expect(mc.usage.total.usd).toBeCloseTo((b2.inputTokens * 2 + b2.outputTokens * 7) / 1e6, 6);
    expect(mc.usage.total.usd).toBeGreaterThan(0);
  });
});
