import { describe, expect, it } from '@jest/globals';
import { cli, expectExit, freshNamespace, testEnv } from '../support/harness.js';

/**
 * Issue 24: `status` of a run that no worker serves waited 30 s for its query, then printed only
 * "running". It now reads the steps from the history at once and says that no worker polls the
 * queue. A namespace of this test's own: no worker has ever polled it (Temporal lists a poller for
 * minutes after it stops, so another test file's worker would count).
 */
describe('status with no worker', () => {
  it('prints the run and says that no worker polls its queue, without waiting for a query', async () => {
    const env = await testEnv({ TEMPORAL_NAMESPACE: await freshNamespace('status-no-worker') });
    const started = await cli(['run', 'smoke'], env);
    expectExit(started, 0);
    const runId = /(smoke-\S+)/.exec(started.stdout)![1]!;
    const status = await cli(['status', runId], env, 25_000);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^${runId}: running$`, 'm'));
    expect(status.stdout).toMatch(/^note: no worker polls task queue "forgeline": the run waits for one; start `npx forgeline worker`/m);
  }, 120_000);
});
