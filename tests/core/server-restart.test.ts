import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalBinary } from '../../core/temporal/binary.js';
import { freePort, startDevServer, type DevServer } from '../../core/temporal/dev-server.js';
import { cli, startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';

/** Issue 24, item 7: a Temporal restart while `run --wait` waits. The run lives in the server's SQLite file. */
describe('run --wait across a Temporal server restart', () => {
  let server: DevServer | undefined;
  let worker: RunningWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
  });

  it('keeps waiting while the server is down, says so, and reports the run once it is back', async () => {
    const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, () => undefined);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-restart-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    const start = () => startDevServer({ binary: binary.path, dbFile: path.join(dir, 'temporal.db'), port, uiPort, logFile: path.join(dir, 'temporal.log') });
    server = await start();
    const env = await testEnv({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
    worker = await startWorker(env);

    const runId = `restart-${Date.now()}`;
    // Four steps of 15 s: the run must still be going when the server dies, even on a loaded machine
    // where finding it takes seconds (with steps of 6 s, a CI preview at load 15 saw the run end first).
    const waiting = cli(['run', 'test-chain', '--id', runId, '--params', JSON.stringify({ length: 4, ms: 15_000, tag: runId }), '--wait'], env, 300_000);
    let waited = false;
    void waiting.finally(() => (waited = true));
    // Restart once the run's first step is under way.
    // Under load the run may take seconds to appear; the crash must come while it runs, so the wait
    // is long and a run that never appeared fails here rather than as "no outage seen" below.
    const { client, close } = await testClient(env);
    let started = false;
    try {
      for (let i = 0; i < 600 && !started; i++) {
        started = await client.workflow.getHandle(runId).describe().then(() => true, () => false);
        if (!started) await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await close();
    }
    expect(started).toBe(true);
    // A crash, not a graceful stop: a server draining for seconds under load could let the run end
    // before it went away. Its SQLite file keeps the run (write-ahead log; dev-server.test.ts).
    expect(waited).toBe(false);
    const exited = new Promise((r) => server!.process.once('exit', r));
    server.process.kill('SIGKILL');
    await exited;
    await server.stop();
    // Longer than the client's own gRPC retries last (10 attempts, backoff to 5 s: about 20 s).
    await new Promise((r) => setTimeout(r, 30_000));
    server = await start();

    const res = await waiting;
    // On failure, say what the CLI printed.
    if (!res.stderr.includes('does not answer')) console.error(JSON.stringify(res));
    expect(res.stderr).toContain('the Temporal server does not answer; waiting for it to come back');
    expect(res.stderr).toContain('the Temporal server answers again');
    expect(res.stdout).toMatch(new RegExp(`^${runId}: succeeded$`, 'm'));
    expect(res.code).toBe(0);
  }, 360_000);
});
