import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cli, testClient, useTestWorker } from '../support/harness.js';
import { listRuns } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { range, tempDir, uniqueTag, waitFor, writeExamples } from './support.js';

const { env } = useTestWorker();
let dir: string;
let conn: Awaited<ReturnType<typeof testClient>>;

beforeAll(async () => {
  conn = await testClient();
  dir = await tempDir();
});

afterAll(async () => {
  await conn?.close();
});

/** Runs test-gate to its end through the CLI; returns the run id and the final state. */
async function runGate(params: Record<string, unknown>): Promise<{ runId: string; state: RunState }> {
  const r = await cli(['run', 'test-gate', '--params', JSON.stringify(params), '--wait', '--json'], env);
  expect(r.stderr).toBe('');
  const { runId } = JSON.parse(r.stdout) as { runId: string };
  const state = (await conn.client.workflow.getHandle(runId).result()) as RunState;
  // The next gate finds this run through the server's visibility store, which is written asynchronously.
  await waitFor(`run ${runId} in the visibility store`, async () =>
    (await listRuns(conn.client, { status: 'Completed', pipeline: 'test-gate' })).some((x) => x.runId === runId && x.outcome) ? true : undefined,
  );
  return { runId, state };
}

const step = (s: RunState, id: string) => s.steps.find((x) => x.id === id)!;

describe('new-data gate', () => {
  test('counts examples new since the last successful run: trains over the threshold, skips under it, and skipped weeks add up', async () => {
    const key = `weekly-${uniqueTag()}`;
    // Week 1: 6 examples, none seen before: 6 >= 5, the pipeline trains, evaluates and promotes.
    const week1 = await writeExamples(dir, 'week1.jsonl', range('ex', 0, 6));
    const first = await runGate({ input: week1, threshold: 5, key });
    expect(first.state.status).toBe('succeeded');
    expect(step(first.state, 'gate').metadata).toMatchObject({ decision: 'run', newExamples: 6, total: 6, threshold: 5, baselineRun: null, key });
    for (const id of ['train', 'evaluate', 'promote']) expect(['succeeded', 'cached']).toContain(step(first.state, id).status);

    // Week 2: 3 more (9 in all): only 3 are new since week 1, under 5: the run ends skipped, with count and reason.
    const week2 = await writeExamples(dir, 'week2.jsonl', range('ex', 0, 9));
    const second = await runGate({ input: week2, threshold: 5, key });
    expect(second.state.status).toBe('skipped');
    expect(second.state.haltReason).toBe(`gate: not_enough_new_data: 3 new examples since run ${first.runId} (threshold 5)`);
    expect(step(second.state, 'gate').metadata).toMatchObject({ decision: 'skip', reason: 'not_enough_new_data', newExamples: 3, total: 9, baselineRun: first.runId });
    for (const id of ['train', 'evaluate', 'promote']) expect(step(second.state, id).status).toBe('skipped');
    const cliRun = await cli(['status', second.runId], env);
    expect(cliRun.stdout).toContain(`${second.runId}: skipped`);

    // Week 3: 3 more again. The skipped week did not move the baseline: 6 new since week 1, so it trains.
    const week3 = await writeExamples(dir, 'week3.jsonl', range('ex', 0, 12));
    const third = await runGate({ input: week3, threshold: 5, key });
    expect(third.state.status).toBe('succeeded');
    expect(step(third.state, 'gate').metadata).toMatchObject({ decision: 'run', newExamples: 6, baselineRun: first.runId });

    // Week 4: nothing new since week 3.
    const fourth = await runGate({ input: week3, threshold: 5, key });
    expect(fourth.state.status).toBe('skipped');
    expect(step(fourth.state, 'gate').metadata).toMatchObject({ newExamples: 0, baselineRun: third.runId });
  });

  test('the default threshold is 1000 new examples (seed 004); records without ids are identified by their content', async () => {
    const key = `default-${uniqueTag()}`;
    const file = await writeExamples(dir, 'noids.jsonl', range('anon', 0, 40), false);
    const run = await runGate({ input: file, key });
    expect(run.state.status).toBe('skipped');
    expect(run.state.haltReason).toBe('gate: not_enough_new_data: 40 new examples with no earlier successful run (threshold 1000)');
    expect(step(run.state, 'gate').metadata).toMatchObject({ threshold: 1000, newExamples: 40, distinct: 40 });
  });

  test('gates with different keys keep separate baselines', async () => {
    const a = `a-${uniqueTag()}`;
    const b = `b-${uniqueTag()}`;
    const file = await writeExamples(dir, 'keys.jsonl', range('k', 0, 3));
    expect((await runGate({ input: file, threshold: 3, key: a })).state.status).toBe('succeeded');
    expect((await runGate({ input: file, threshold: 3, key: a })).state.status).toBe('skipped');
    expect((await runGate({ input: file, threshold: 3, key: b })).state.status).toBe('succeeded');
  });
});
