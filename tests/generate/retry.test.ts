import { describe, expect, it } from '@jest/globals';
import { backoffDelay, retryAfterMs } from '../../activities/generate/retry.js';
import type { Outcome } from '../support/fake-anthropic.js';
import { generate, tlpConfig, useFakeAnthropic } from './helpers.js';

const o = { initialMs: 100, maxMs: 1000, multiplier: 2 };

describe('backoff with full jitter', () => {
  it('caps the window at initial * multiplier^attempt, then at maxMs', () => {
    const top = () => 1 - Number.EPSILON;
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, o, undefined, top))).toEqual([99, 199, 399, 799, 999, 999, 999]);
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, o, undefined, () => 0.5))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelay(3, o, undefined, () => 0)).toBe(0);
  });

  it('draws uniformly inside [0, cap) with the real random source', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const cap = Math.min(o.maxMs, o.initialMs * o.multiplier ** attempt);
      const draws = Array.from({ length: 2000 }, () => backoffDelay(attempt, o));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(cap);
      // Full jitter: the mean sits near cap / 2, not near the cap.
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      expect(mean).toBeGreaterThan(cap * 0.4);
      expect(mean).toBeLessThan(cap * 0.6);
    }
  });

  it('never waits less than the server asked for in retry-after', () => {
    expect(backoffDelay(0, o, 5000, () => 0.5)).toBe(5000);
    expect(backoffDelay(4, o, 10, () => 0.5)).toBe(500);
    expect(backoffDelay(0, o, 0, () => 0)).toBe(0);
  });
});

describe('retry-after parsing', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0' }))).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    // retry-after-ms is the finer one and wins.
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    const fromDate = retryAfterMs(new Headers({ 'retry-after': inFive }))!;
    // HTTP dates have whole seconds.
    expect(fromDate).toBeGreaterThan(3500);
    expect(fromDate).toBeLessThanOrEqual(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() }))).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': 'x', 'retry-after': '3' }))).toBe(3000);
  });
});

describe('anthropic provider: retry-after and timeouts through the real SDK', () => {
  const startFake = useFakeAnthropic();
  const tlp = (count: number, anthropic: Record<string, unknown>, extra: Record<string, unknown> = {}) => tlpConfig(count, { ...extra, anthropic: { concurrency: 1, ...anthropic } });

  it('waits the retry-after a 429 asks for, although its own backoff would be a few milliseconds', async () => {
    const s = await startFake({ messageOutcome: (n): Outcome => (n === 1 ? { kind: 'status', status: 429, retryAfterS: 1 } : { kind: 'ok' }) });
    const { fake } = s;
    const run = await generate(tlp(2, {}), s.env);
    expect(run.records).toHaveLength(2);
    expect((run.metadata as { httpRetries: number }).httpRetries).toBe(1);
    const [first, second] = fake.stats.messageTimes;
    // Timer granularity aside, the retry came a full second after the 429.
    expect(second! - first!).toBeGreaterThanOrEqual(990);
    expect(second! - first!).toBeLessThan(3000);
    expect(fake.stats.messageStatuses).toEqual({ 429: 1, ok: 2 });
  });

  it('retries a request that runs past requestTimeoutMs, and the retry succeeds', async () => {
    const s = await startFake({ messageOutcome: (n): Outcome => (n === 1 ? { kind: 'slow', delayMs: 5000 } : { kind: 'ok' }) });
    const { fake } = s;
    const started = Date.now();
    const run = await generate(tlp(3, { requestTimeoutMs: 400 }), s.env);
    expect(run.records).toHaveLength(3);
    expect(run.rejects).toHaveLength(0);
    expect((run.metadata as { httpRetries: number }).httpRetries).toBe(1);
    expect(fake.stats.messages).toBe(4);
    // The client gave up on the slow call rather than waiting for it.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(fake.stats.messageTimes[1]! - fake.stats.messageTimes[0]!).toBeGreaterThanOrEqual(390);
    // A request that timed out is not billed.
    expect((run.metadata as { usage: { total: { requests: number } } }).usage.total.requests).toBe(3);
  });

  it('gives up after maxHttpRetries timeouts and rejects with provider_error naming the timeout', async () => {
    const s = await startFake({ messageOutcome: (): Outcome => ({ kind: 'slow', delayMs: 5000 }) });
    const { fake } = s;
    const run = await generate(tlp(1, { requestTimeoutMs: 200, maxHttpRetries: 1 }, { maxAttempts: 1 }), s.env);
    expect(run.records).toHaveLength(0);
    expect(run.rejects).toHaveLength(1);
    expect(run.rejects[0]).toMatchObject({ reason: 'provider_error', detail: 'messages.create: APIConnectionTimeoutError after 2 tries' });
    expect(fake.stats.messages).toBe(2);
  });
});
