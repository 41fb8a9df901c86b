import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../core/temporal/dev-server.js';
import { CLI, REPO_ROOT } from '../support/paths.js';
import { cli, testEnv } from '../support/harness.js';

/**
 * Issue 24, item 7, with a real `dev` on ports of its own: a quickstart from another state folder
 * must not attach to it in silence, and `dev` must notice its Temporal server die.
 */
describe('dev under faults', () => {
  let dev: ChildProcessWithoutNullStreams;
  let devOut = '';
  let devErr = '';
  let ports: Record<string, string>;
  let homeA: string;
  const exited = () => new Promise<number | null>((r) => (dev.exitCode !== null ? r(dev.exitCode) : dev.once('exit', (code) => r(code))));

  beforeAll(async () => {
    ports = { FORGELINE_TEMPORAL_PORT: String(await freePort()), FORGELINE_UI_PORT: String(await freePort()) };
    const env = await testEnv(ports);
    delete env.TEMPORAL_ADDRESS; // the embedded server, as a user's `dev` starts it
    delete env.TEMPORAL_NAMESPACE;
    homeA = env.FORGELINE_HOME!;
    dev = spawn(process.execPath, [CLI, 'dev'], { env, cwd: REPO_ROOT });
    dev.stdout.on('data', (d: Buffer) => (devOut += d.toString()));
    dev.stderr.on('data', (d: Buffer) => (devErr += d.toString()));
    for (let i = 0; i < 600 && !devOut.includes('worker polling'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(devOut).toContain('worker polling');
  }, 120_000);
  afterAll(async () => {
    if (dev.exitCode === null) {
      dev.kill('SIGTERM');
      await exited();
    }
  });

  it("refuses a quickstart from another state folder on that dev's server, naming both folders", async () => {
    const env = await testEnv(ports);
    delete env.TEMPORAL_ADDRESS;
    delete env.TEMPORAL_NAMESPACE;
    const res = await cli(['quickstart', '--pipeline', 'smoke'], env, 60_000);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`has workers from another state folder (${homeA})`);
    expect(res.stderr).toContain(env.FORGELINE_HOME!);
  });

  it('exits, saying so, when its Temporal server dies', async () => {
    const server = execFileSync('pgrep', ['-P', String(dev.pid), '-f', 'server start-dev']).toString().trim();
    expect(server).toMatch(/^\d+$/);
    process.kill(Number(server), 'SIGKILL');
    const code = await exited();
    expect(code).toBe(1);
    expect(devErr).toContain('the Temporal dev server exited (SIGKILL)');
    expect(devErr).toContain(path.join(homeA, 'logs', 'temporal.log'));
  }, 60_000);
});
