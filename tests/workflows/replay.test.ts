import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DIST } from '../support/paths.js';
import { startWorker, testClient, testEnv } from '../support/harness.js';
import { HISTORIES_DIR, readHistory, RECORDINGS, recordHistories } from './record-histories.js';

/**
 * The replay net: histories recorded from real runs (tests/fixtures/histories/) are replayed against
 * the workflow bundle that workers load today. A change to the commands the workflow issues (an
 * activity added, removed or reordered, a timer, a marker) makes a replay fail here, before it
 * fails runs in flight; an intended change goes behind `patched()` (docs/developing.md).
 * `node scripts/record-histories.mjs` records the histories again (FORGELINE_RECORD_HISTORIES=1).
 */
const BUNDLE = path.join(DIST, 'workflow-bundle.js');
const recording = process.env.FORGELINE_RECORD_HISTORIES === '1';
// A replay worker starts and stops once per history; its INFO lines would bury the result.
Runtime.install({ logger: new DefaultLogger('WARN') });

describe('recorded histories replay against the current workflow bundle', () => {
  beforeAll(async () => {
    if (!recording) return;
    // Recording needs a worker on the test server; replaying needs neither.
    const env = await testEnv();
    const worker = await startWorker(env);
    const { client, close } = await testClient(env);
    try {
      await recordHistories(client);
    } finally {
      await close();
      await worker.stop();
    }
  }, 600_000);

  it('has a recorded history for every recording', async () => {
    const files = await historyFiles();
    for (const name of Object.keys(RECORDINGS)) expect(files).toContain(`${name}.json`);
  });

  // Every file there: histories kept from before a patched() change replay too (docs/developing.md).
  it('replays every history without nondeterminism', async () => {
    const failures: string[] = [];
    for (const file of await historyFiles()) {
      const history = await readHistory(path.join(HISTORIES_DIR, file));
      await Worker.runReplayHistory({ workflowBundle: { codePath: BUNDLE }, replayName: file }, history, file).catch((err: unknown) => {
        failures.push(`${file}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      });
    }
    // Each failure names its history and Temporal's reason (a DeterminismViolationError says which command differs).
    expect(failures).toEqual([]);
  });
});

async function historyFiles(): Promise<string[]> {
  return (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
}
