import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { awaitRun, getRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';

const digests = (s: RunSnapshot) =>
  Object.fromEntries(s.state!.steps.map((st) => [st.id, Object.fromEntries(Object.entries(st.outputs).map(([k, r]) => [k, r.sha256]))]));

describe('step cache', () => {
  let env: NodeJS.ProcessEnv;
  let worker: RunningWorker;
  beforeAll(async () => {
    env = await testEnv();
    worker = await startWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  async function smoke(options = {}) {
    const { client, close } = await testClient();
    try {
      return await awaitRun(client, await startRun(client, { pipeline: 'smoke', params: {}, options }));
    } finally {
      await close();
    }
  }

  it('marks every step cached on an identical rerun, with identical digests', async () => {
    const first = await smoke();
    expect(first.state!.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const second = await smoke();
    expect(second.state!.steps.map((s) => s.status)).toEqual(second.state!.steps.map(() => 'cached'));
    expect(digests(second)).toEqual(digests(first));
    const recomputed = await smoke({ cache: false });
    expect(recomputed.state!.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(digests(recomputed)).toEqual(digests(first));
  });

  it('recomputes a step whose cached artifact was corrupted', async () => {
    const first = await smoke();
    const clean = first.state!.steps.find((s) => s.id === 'clean')!;
    await writeFile(clean.outputs.records!.uri.replace('file://', ''), '{"tampered":true}\n');
    const again = await smoke();
    const status = Object.fromEntries(again.state!.steps.map((s) => [s.id, s.status]));
    expect(status.clean).toBe('succeeded');
    expect(status.load).toBe('cached');
    expect(digests(again)).toEqual(digests(first));
  });
});

describe('single flight per cache key', () => {
  it('computes each step once when four identical runs start together; the others wait and reuse it', async () => {
    const env = await testEnv();
    const worker = await startWorker(env);
    const { client, close } = await testClient();
    try {
      // Each step sleeps long enough that all four runs reach it before the first finishes.
      const params = { length: 2, ms: 1500, tag: `flight-${Date.now()}` };
      const ids = await Promise.all([0, 1, 2, 3].map(() => startRun(client, { pipeline: 'test-chain', params })));
      const runs = await Promise.all(ids.map((id) => awaitRun(client, id)));
      for (const stepId of ['s0', 's1']) {
        const statuses = runs.map((r) => r.state!.steps.find((s) => s.id === stepId)!.status).sort();
        expect({ stepId, statuses }).toEqual({ stepId, statuses: ['cached', 'cached', 'cached', 'succeeded'] });
      }
      for (const r of runs.slice(1)) expect(digests(r)).toEqual(digests(runs[0]!));
    } finally {
      await close();
      await worker.stop();
    }
  });
});

describe('durability', () => {
  it('completes with the same digests after the worker is SIGKILLed mid-step', async () => {
    const tag = `durable-${Date.now()}`;
    const params = { length: 3, ms: 3000, tag };
    const { client, close } = await testClient();
    try {
      // Undisturbed reference run, in its own state folder.
      const refEnv = await testEnv();
      const refWorker = await startWorker(refEnv);
      const reference = await awaitRun(client, await startRun(client, { pipeline: 'test-chain', params }));
      await refWorker.stop();
      expect(reference.temporalStatus).toBe('COMPLETED');
      // A completed run's state is its result, read from its history (no query, no replay).
      expect((await getRun(client, reference.runId)).state).toEqual(reference.state);

      const env = await testEnv();
      let worker = await startWorker(env);
      const runId = await startRun(client, { pipeline: 'test-chain', params });
      for (let i = 0; i < 200; i++) {
        const state = await client.workflow.getHandle(runId).query<{ steps: { id: string; status: string }[] }>('status').catch(() => undefined);
        if (state?.steps.find((s) => s.id === 's1')?.status === 'running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await worker.kill();
      worker = await startWorker(env);
      const final = await awaitRun(client, runId);
      await worker.stop();
      expect(final.temporalStatus).toBe('COMPLETED');
      expect(digests(final)).toEqual(digests(reference));
      // The killed attempt was retried on the new worker.
      expect(final.state!.steps.find((s) => s.id === 's1')!.metadata.attempt).toBeGreaterThanOrEqual(2);
    } finally {
      await close();
    }
  });
});
