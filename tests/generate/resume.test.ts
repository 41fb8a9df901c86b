import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { awaitRun, getRun, startRun } from '../../core/client/runs.js';
import { classifyingReply, FakeAnthropic } from '../support/fake-anthropic.js';
import { Client, Connection } from '@temporalio/client';
import { startWorker, testEnv, type RunningWorker } from '../support/harness.js';
import { tempHome } from './helpers.js';
import { DIST, TEST_PIPELINES } from '../support/paths.js';
import { countBy, readJsonl } from './helpers.js';

const KEY = 'sk-ant-resume-test-key-42';
const PIPELINES = `${TEST_PIPELINES}${path.delimiter}${path.join(DIST, 'tests/generate/pipelines')}`;

let fake: FakeAnthropic | undefined;
const workers: RunningWorker[] = [];
/**
 * The test server's address, read once: dist/tests/.services.json is shared by every jest run in
 * this checkout, so a run started later elsewhere can overwrite it while these long tests run.
 */
let base: NodeJS.ProcessEnv;
beforeAll(async () => {
  base = await testEnv({ FORGELINE_PIPELINES: PIPELINES });
});
const envWith = async (extra: Record<string, string>): Promise<NodeJS.ProcessEnv> => ({ ...base, FORGELINE_HOME: await tempHome(), ...extra });
afterEach(async () => {
  for (const w of workers.splice(0)) await w.kill();
  await fake?.stop();
  fake = undefined;
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A client for the server `env` points at (read once: the services file can change under a long test). */
async function clientFor(env: NodeJS.ProcessEnv): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  return { client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE! }), close: () => connection.close() };
}

type Step = { status: string; outputs: Record<string, { uri: string }>; metadata: Record<string, unknown> };

describe('generate survives a killed worker', () => {
  it('resumes a Message Batches run on another host from the batch ids in its heartbeat: no duplicate, no gap', async () => {
    fake = new FakeAnthropic({ reply: classifyingReply, apiKey: KEY, pollsUntilEnded: 1 });
    fake.holdBatches = true;
    const url = await fake.start();
    const hostA = await envWith({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url });
    const options = { provider: 'anthropic', preset: 'tlp', count: 25, maxTokens: 200, anthropic: { mode: 'batch', batchSize: 10, pollIntervalMs: 200 } };
    const { client, close } = await clientFor(hostA);
    try {
      workers.push(await startWorker(hostA));
      const runId = await startRun(client, { pipeline: 'test-generate', params: { options } });
      await until('three batches', () => fake!.batches.size >= 3);
      // Kill only once the batch ids are durable in the activity's heartbeat details.
      await until('batch ids in the heartbeat', async () => {
        const live = (await getRun(client, runId)).live as Record<string, { resume?: { batchIds?: string[] } }>;
        return Object.values(live).some((p) => (p.resume?.batchIds?.length ?? 0) === 3);
      });
      await workers.pop()!.kill();
      // A fresh state folder: the journal of host A is out of reach, only the heartbeat remains.
      const hostB = { ...hostA, FORGELINE_HOME: await tempHome() };
      workers.push(await startWorker(hostB));
      const pollsBefore = fake.stats.batchPolls;
      await until('the retried attempt to poll the batches', () => fake!.stats.batchPolls > pollsBefore).catch(async (err: Error) => {
        const raw = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: runId } });
        const pending = (raw.pendingActivities ?? []).map((a) => ({ state: a.state, attempt: a.attempt, failure: a.lastFailure?.message }));
        throw new Error(`${err.message}; pending activities: ${JSON.stringify(pending)}`);
      });
      fake.release();
      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('COMPLETED');
      const step = final.state!.steps[0] as unknown as Step;
      const records = await readJsonl(fileURLToPath(step.outputs.records!.uri));
      expect(fake.batches.size).toBe(3);
      expect(fake.stats.customIds).toHaveLength(25);
      expect(records).toHaveLength(25);
      expect(new Set(records.map((r) => r.id)).size).toBe(25);
      expect(countBy(records, (r) => String(r.output))).toEqual({ 'TLP:CLEAR': 6, 'TLP:GREEN': 5, 'TLP:AMBER': 8, 'TLP:AMBER+STRICT': 4, 'TLP:RED': 2 });
      expect(step.metadata).toMatchObject({ kept: 25, rejected: 0, unfinished: 0, resumed: { batches: 3 } });
      // No prompt, generated text or key in the workflow history.
      const history = JSON.stringify(await client.workflow.getHandle(runId).fetchHistory());
      expect(history).not.toContain(KEY);
      expect(history).not.toContain(String(records[0]!.input));
      expect(history).not.toContain('correct level is');
    } finally {
      await close();
    }
  });

  it('resumes a Messages run from its journal after SIGKILL mid-generation: every example exactly once', async () => {
    fake = new FakeAnthropic({ reply: classifyingReply, apiKey: KEY, delayMs: 150 });
    const url = await fake.start();
    const env = await envWith({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url });
    const options = { provider: 'anthropic', preset: 'tlp', count: 40, maxTokens: 200, anthropic: { mode: 'messages', concurrency: 2 } };
    const { client, close } = await clientFor(env);
    try {
      workers.push(await startWorker(env));
      const runId = await startRun(client, { pipeline: 'test-generate', params: { options } });
      await until('some examples', () => fake!.stats.messages >= 12);
      await workers.pop()!.kill();
      const beforeRestart = fake.stats.messages;
      workers.push(await startWorker(env));
      const final = await awaitRun(client, runId);
      expect(final.temporalStatus).toBe('COMPLETED');
      const step = final.state!.steps[0] as unknown as Step;
      const records = await readJsonl(fileURLToPath(step.outputs.records!.uri));
      expect(records).toHaveLength(40);
      expect(new Set(records.map((r) => r.id)).size).toBe(40);
      const resumed = (step.metadata.resumed as { slotsDone: number }).slotsDone;
      expect(resumed).toBeGreaterThanOrEqual(beforeRestart - 2);
      // Only what the killed attempt had in flight is asked again.
      expect(fake.stats.messages).toBeLessThanOrEqual(40 + 2);
      expect(countBy(records, (r) => String(r.output))).toEqual({ 'TLP:CLEAR': 10, 'TLP:GREEN': 8, 'TLP:AMBER': 12, 'TLP:AMBER+STRICT': 6, 'TLP:RED': 4 });
      // A finished generation removes its journal.
      expect(await fs.readdir(path.join(env.FORGELINE_HOME!, 'generate'))).toEqual([]);
    } finally {
      await close();
    }
  });
});
