import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalLineageStore, Neo4jLineageStore, openDriver, type LineageStore } from '../../activities/lineage/index.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { cli, startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';

let db: TestNeo4j;
let env: NodeJS.ProcessEnv;
let worker: RunningWorker;
let input: string;
let stores: LineageStore[];

beforeAll(async () => {
  env = await testEnv({ FORGELINE_USER: 'ci-user' });
  db = await startNeo4j();
  Object.assign(env, db.env);
  worker = await startWorker(env);
  stores = [Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password }), LocalLineageStore.inHome(env.FORGELINE_HOME!)];
  input = path.join(await mkdtemp(path.join(os.tmpdir(), 'forgeline-approval-lineage-')), 'bucket.jsonl');
  await writeFile(input, Array.from({ length: 3 }, (_, i) => JSON.stringify({ instruction: `q${i}`, input: '', output: `a${i}` })).join('\n') + '\n');
});

afterAll(async () => {
  await Promise.all((stores ?? []).map((s) => s.close()));
  await worker?.stop();
  await db?.stop();
});

/** Starts test-approval, waits until its review step waits, decides it through the CLI, and returns the final state. */
async function decide(command: 'approve' | 'reject', extra: string[], params: Record<string, unknown> = {}): Promise<{ runId: string; state: RunState }> {
  const started = await cli(['run', 'test-approval', '--params', JSON.stringify({ input, prompt: 'check the bucket', ...params }), '--json'], env);
  expect(started.code).toBe(0);
  const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
  const { client, close } = await testClient(env);
  try {
    const handle = client.workflow.getHandle(runId);
    for (;;) {
      const s = await handle.query<RunState>('status').catch(() => undefined);
      if (s?.steps.find((x) => x.id === 'review')?.status === 'waiting') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await cli([command, runId, 'review', ...extra], env);
    expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
    return { runId, state: (await handle.result()) as RunState };
  } finally {
    await close();
  }
}

describe('approval decisions in lineage, in Neo4j and in the embedded store', () => {
  it('records a reject: who, when, the reason, tied to the rejected step and the run', async () => {
    const { runId, state } = await decide('reject', ['--by', 'bob', '--note', 'two unsafe completions']);
    expect(state.status).toBe('rejected');
    const at = state.steps.find((s) => s.id === 'review')!.approval!.at!;
    for (const store of stores) {
      expect({ store: store.name, approvals: await store.approvals(runId) }).toEqual({
        store: store.name,
        approvals: [{ stepId: 'review', decision: 'reject', decidedBy: 'signal', by: 'bob', at, note: 'two unsafe completions', prompt: 'check the bucket' }],
      });
      // The rejected step is in the run's lineage with the decision it wrote; the skipped ones are not.
      const steps = await store.runSteps(runId);
      expect(steps.map((s) => [s.stepId, s.status]).sort()).toEqual([['load', 'succeeded'], ['review', 'rejected']]);
      expect((await store.writes(`${runId}/review`)).map((w) => w.output).sort()).toEqual(['decision', 'records']);
    }
    const fromNeo4j = await cli(['lineage', runId, '--store', 'neo4j'], env);
    const fromLocal = await cli(['lineage', runId, '--store', 'local'], env);
    expect(fromNeo4j.code).toBe(0);
    expect(fromLocal.stdout).toBe(fromNeo4j.stdout);
    expect(fromNeo4j.stdout).toContain(`review (approval, code `);
    expect(fromNeo4j.stdout).toContain(`decision: reject by bob at ${at}: two unsafe completions`);
  });

  it('records an approve, and who decided it as a User node in Neo4j', async () => {
    const { runId, state } = await decide('approve', ['--by', 'alice', '--note', 'looked at all 3']);
    expect(state.status).toBe('succeeded');
    const at = state.steps.find((s) => s.id === 'review')!.approval!.at!;
    for (const store of stores) {
      expect(await store.approvals(runId)).toEqual([{ stepId: 'review', decision: 'approve', decidedBy: 'signal', by: 'alice', at, note: 'looked at all 3', prompt: 'check the bucket' }]);
    }
    const driver = openDriver({ uri: db.uri, user: db.user, password: db.password });
    try {
      const { records } = await driver.executeQuery(
        'MATCH (:Run {id: $runId})-[:HAD_APPROVAL]->(a:Approval)-[:DECIDED]->(:Step {stepId: "review"}), (a)-[:DECIDED_BY]->(u:User) RETURN u.name AS who',
        { runId },
      );
      expect(records.map((r) => r.get('who'))).toEqual(['alice']);
    } finally {
      await driver.close();
    }
  });

  it('records a timeout\'s decision as decided by the timeout, with no person', async () => {
    const started = await cli(['run', 'test-approval', '--params', JSON.stringify({ input, prompt: 'check the bucket', timeout: '1s' }), '--json'], env);
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    const { client, close } = await testClient(env);
    const state = (await client.workflow.getHandle(runId).result().finally(close)) as RunState;
    expect(state.status).toBe('rejected');
    for (const store of stores) {
      const [a] = await store.approvals(runId);
      expect(a).toMatchObject({ stepId: 'review', decision: 'reject', decidedBy: 'timeout', by: 'timeout' });
      expect(a!.note).toContain('nobody answered within 1s');
    }
  });
});
