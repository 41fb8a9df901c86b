import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { awaitRun, startRun } from '../../core/client/runs.js';
import { testClient, useTestWorker } from '../support/harness.js';

const { env } = useTestWorker();

async function runToEnd(pipeline: string, params: Record<string, unknown>, options = {}) {
  const { client, close } = await testClient();
  try {
    return await awaitRun(client, await startRun(client, { pipeline, params, options }));
  } finally {
    await close();
  }
}

describe('DAG execution', () => {
  it('runs independent branches in parallel', async () => {
    const final = await runToEnd('test-parallel', { width: 2, ms: 2000, tag: `par-${Date.now()}` });
    expect(final.temporalStatus).toBe('COMPLETED');
    const [a, b] = ['sleep-0', 'sleep-1'].map((id) => final.state!.steps.find((s) => s.id === id)!.metadata as { startedAt: number; endedAt: number });
    // Each sleeps 2 s; they overlap when each started before the other ended.
    expect(a!.startedAt).toBeLessThan(b!.endedAt);
    expect(b!.startedAt).toBeLessThan(a!.endedAt);
    const join = final.state!.steps.find((s) => s.id === 'join')!.metadata as { startedAt: number };
    expect(join.startedAt).toBeGreaterThanOrEqual(a!.endedAt);
  });

  it('fails a step that awaits forever as STALLED once it reports no progress for its silenceMs, aborting and retrying it', async () => {
    // Heartbeats are a timer, so Temporal alone would let this attempt run to its 6 h limit (issue 24).
    const marker = path.join(env.FORGELINE_HOME!, `stall-${Date.now()}`);
    const final = await runToEnd('test-stall', { marker });
    expect(final.temporalStatus).toBe('FAILED');
    const stuck = final.state!.steps.find((s) => s.id === 'stuck')!;
    expect(stuck.status).toBe('failed');
    expect(stuck.error).toMatch(/reported no progress for \d+ s \(its limit is 2 s\)/);
    // Both attempts ran, and each was told to stop through its signal.
    for (const attempt of [1, 2]) {
      expect(existsSync(`${marker}.${attempt}`)).toBe(true);
      expect(existsSync(`${marker}.${attempt}.aborted`)).toBe(true);
    }
  });

  it('retries a step that fails twice and then succeeds', async () => {
    const final = await runToEnd('test-failures', { flakyFailures: 2, siblingMs: 0, tag: `flaky-${Date.now()}` });
    expect(final.temporalStatus).toBe('COMPLETED');
    const flaky = final.state!.steps.find((s) => s.id === 'flaky')!;
    expect(flaky.status).toBe('succeeded');
    expect(flaky.metadata.attempts).toBe(3);
  });

  it('fails the run on a permanent failure, naming the step, and cancels running siblings', async () => {
    const marker = path.join(env.FORGELINE_HOME!, 'sibling-cancelled');
    const final = await runToEnd('test-failures', {
      flakyFailures: 0,
      permanentFailure: true,
      siblingMs: 60_000,
      cancelMarker: marker,
      tag: `perm-${Date.now()}`,
    });
    expect(final.temporalStatus).toBe('FAILED');
    expect(final.failure).toContain('step "broken" (test-fail) failed: planned permanent failure');
    const status = Object.fromEntries(final.state!.steps.map((s) => [s.id, s.status]));
    expect(status).toEqual({ flaky: 'succeeded', sibling: 'cancelled', broken: 'failed' });
    // The sibling saw its cancellation (through its heartbeat) and left a marker.
    for (let i = 0; i < 50 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(true);
  });

  it('bounds parallelism by maxParallel', async () => {
    const final = await runToEnd('test-parallel', { width: 3, ms: 1000, tag: `bound-${Date.now()}` }, { maxParallel: 1 });
    const spans = ['sleep-0', 'sleep-1', 'sleep-2'].map((id) => final.state!.steps.find((s) => s.id === id)!.metadata as { startedAt: number; endedAt: number });
    spans.sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.startedAt).toBeGreaterThanOrEqual(spans[i - 1]!.endedAt);
  });

  it('cancelling the run cancels its running steps', async () => {
    const marker = path.join(env.FORGELINE_HOME!, 'cancelled-by-user');
    const { client, close } = await testClient();
    try {
      const runId = await startRun(client, {
        pipeline: 'test-failures',
        params: { flakyFailures: 0, siblingMs: 60_000, cancelMarker: marker, tag: `cancel-${Date.now()}` },
      });
      for (let i = 0; i < 100; i++) {
        const state = await client.workflow.getHandle(runId).query<{ steps: { id: string; status: string }[] }>('status').catch(() => undefined);
        if (state?.steps.find((s) => s.id === 'sibling')?.status === 'running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500));
      await client.workflow.getHandle(runId).cancel();
      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('CANCELLED');
      for (let i = 0; i < 50 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 200));
      expect(existsSync(marker)).toBe(true);
    } finally {
      await close();
    }
  });
});
