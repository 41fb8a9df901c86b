import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';

/**
 * Step kinds that exist only for the orchestration tests: they sleep, fail on purpose and record
 * what happened to them, so that tests can observe parallelism, retries and cancellation.
 */
export const sleepStep = defineStep({
  kind: 'test-sleep',
  description: 'Sleep, heartbeating; writes a marker file if cancelled',
  module: import.meta.url,
  inputs: { after: { kind: 'report', optional: true } },
  outputs: { report: 'report' },
  options: z.object({ ms: z.number().int().nonnegative(), label: z.string(), cancelMarker: z.string().optional() }).strict(),
  timeouts: { heartbeatMs: 5_000 },
  async run(ctx, _inputs, options) {
    const startedAt = Date.now();
    const end = startedAt + options.ms;
    try {
      while (Date.now() < end) {
        await sleep(Math.min(200, end - Date.now()), undefined, { signal: ctx.signal });
        ctx.heartbeat({ done: Date.now() - startedAt, total: options.ms, unit: 'ms' });
      }
    } catch (err) {
      if (ctx.signal.aborted && options.cancelMarker) await writeFile(options.cancelMarker, `cancelled ${options.label}`);
      throw err;
    }
    // The report is deterministic (no timestamps) so that reruns give identical digests.
    const report = await writeJsonArtifact(ctx.store, { label: options.label, ms: options.ms }, 'report', 'test-sleep');
    return { outputs: { report }, metadata: { startedAt, endedAt: Date.now(), attempt: ctx.attempt } };
  },
});

export const flakyStep = defineStep({
  kind: 'test-flaky',
  description: 'Fails (retryably) on its first `failures` attempts, then succeeds',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options: z.object({ failures: z.number().int().nonnegative() }).strict(),
  retry: { initialIntervalMs: 100, maximumAttempts: 5 },
  async run(ctx, _inputs, options) {
    if (ctx.attempt <= options.failures) throw new Error(`planned failure on attempt ${ctx.attempt}`);
    const report = await writeJsonArtifact(ctx.store, { failures: options.failures }, 'report', 'test-flaky');
    return { outputs: { report }, metadata: { attempts: ctx.attempt } };
  },
});

export const failStep = defineStep({
  kind: 'test-fail',
  description: 'Fails for good after a delay',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options: z.object({ afterMs: z.number().int().nonnegative().default(0), message: z.string().default('planned permanent failure') }).strict(),
  async run(_ctx, _inputs, options) {
    await sleep(options.afterMs);
    throw new PipelineError('INVALID_INPUT_DATA', options.message);
  },
});

/** Awaits forever without blocking the event loop (so heartbeats keep going), as a hung writer did. */
export const stallStep = defineStep({
  kind: 'test-stall',
  description: 'Reports progress once, then awaits something that never comes; records each attempt',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options: z.object({ marker: z.string() }).strict(),
  silenceMs: 2_000,
  retry: { initialIntervalMs: 100, maximumAttempts: 2 },
  async run(ctx, _inputs, options) {
    await writeFile(`${options.marker}.${ctx.attempt}`, 'started');
    ctx.heartbeat({ message: 'started' });
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => void writeFile(`${options.marker}.${ctx.attempt}.aborted`, 'aborted').then(resolve)));
    throw new Error('unreachable: the stall check ends this attempt first');
  },
});

export const TESTKIT_STEPS = [sleepStep, flakyStep, failStep, stallStep];
