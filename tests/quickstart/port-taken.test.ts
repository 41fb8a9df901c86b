import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../core/temporal/dev-server.js';
import { cli, testEnv } from '../support/harness.js';
import { holdPort, type HeldPort } from '../support/hold-port.js';

/**
 * Another program on the Temporal port (here a plain TCP listener that never answers) used to be
 * taken for a Temporal server: the quickstart then waited on it without end. Both commands that
 * start the embedded server must refuse at once, say why, and exit non-zero. The listener sits on a
 * free port that FORGELINE_TEMPORAL_PORT points at, so the test never touches the real 7233.
 */
describe('the embedded server port taken by another program', () => {
  let held: HeldPort;
  let port: number;
  beforeAll(async () => {
    held = await holdPort();
    port = held.port;
  });
  afterAll(() => held.close());

  it.each([['quickstart'], ['dev']])('`forgeline %s` says the port is taken and exits 1', async (command) => {
    const env = await testEnv({ FORGELINE_TEMPORAL_PORT: String(port), FORGELINE_UI_PORT: String(await freePort()), FORGELINE_PIPELINES: '' });
    delete env.TEMPORAL_ADDRESS;
    // Killed after 60 s: a command that hangs ends with code -1 and fails the assertions below.
    const res = await cli([command], env, 60_000);
    expect(res.stderr).toContain(`forgeline ${command}: port ${port} is taken by a program that is not a Temporal server; stop it, or set FORGELINE_TEMPORAL_PORT to a free port`);
    expect(res.code).toBe(1);
    expect(res.stdout).not.toMatch(/running pipeline|worker polling/);
  });

  it('`forgeline dev` names a taken Web UI port too', async () => {
    const env = await testEnv({ FORGELINE_TEMPORAL_PORT: String(await freePort()), FORGELINE_UI_PORT: String(port) });
    delete env.TEMPORAL_ADDRESS;
    const res = await cli(['dev'], env, 60_000);
    expect(res.stderr).toContain(`port ${port} (the Temporal Web UI) is taken by another program; stop it, or set FORGELINE_UI_PORT to a free port`);
    expect(res.code).toBe(1);
  });
});
