import { afterAll, beforeAll } from '@jest/globals';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { TestServices } from './global-setup.js';
import { CLI, SERVICES_FILE, TEST_PIPELINES, WORKER_MAIN, REPO_ROOT } from './paths.js';

export function services(): TestServices {
  return JSON.parse(process.env.FORGELINE_TEST_SERVICES ?? readFileSync(SERVICES_FILE, 'utf8')) as TestServices;
}

/** This jest worker's own namespace on the shared dev server. */
export function testNamespace(): string {
  const id = Number(process.env.JEST_WORKER_ID ?? '1');
  const all = services().namespaces;
  return all[(id - 1) % all.length]!;
}

/** The namespace for a test whose workers must not be seen by other test files' runs (see TestServices). */
export function isolatedNamespace(): string {
  return services().isolatedNamespace;
}

/**
 * A namespace no other test file has used, registered on the test server and ready: nothing another
 * file left behind (a run a schedule started, a worker Temporal still lists among a queue's pollers
 * for minutes after it stopped) can reach a test that runs in it. Returns once the frontend knows
 * it (a new namespace reaches the frontend's cache within seconds).
 */
export async function freshNamespace(prefix: string): Promise<string> {
  const namespace = `${prefix}-${Date.now()}`;
  const connection = await Connection.connect({ address: services().temporalAddress });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    for (let i = 0; ; i++) {
      try {
        await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'forgeline' } });
        return namespace;
      } catch (err) {
        if (i >= 60) throw new Error(`namespace ${namespace} was not ready after 60 s: ${(err as Error).message}`);
        await delay(1000);
      }
    }
  } finally {
    await connection.close();
  }
}

/** A fresh state folder and the environment that points the CLI and workers at the test server. */
export async function testEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'forgeline-test-'));
  return {
    ...process.env,
    FORGELINE_HOME: home,
    TEMPORAL_ADDRESS: services().temporalAddress,
    TEMPORAL_NAMESPACE: testNamespace(),
    FORGELINE_PIPELINES: TEST_PIPELINES,
    FORGELINE_LOG_LEVEL: 'warn',
    // Tests write their inputs to temporary folders and name them in params, so the test worker
    // trusts the temp folder and the fixtures beside the project's data/ (tests/core/input-roots
    // checks the default roots with a worker of its own).
    FORGELINE_INPUT_ROOTS: testInputRoots(),
    ...extra,
  };
}

/** The input roots of test workers: the project's data/ and test fixtures, and the temp folder. */
export function testInputRoots(): string {
  return [path.join(REPO_ROOT, 'data'), path.join(REPO_ROOT, 'tests/fixtures'), os.tmpdir()].join(path.delimiter);
}

export interface RunningWorker {
  process: ChildProcess;
  /** Graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

export interface TestWorker {
  /** The test environment, filled in place before the file's first test (pass it to cli()). */
  readonly env: NodeJS.ProcessEnv;
  /** The worker child; only after beforeAll has run. */
  readonly worker: RunningWorker;
}

/**
 * The set-up most end-to-end test files share: in beforeAll a fresh test environment (with `extra`
 * variables) and a worker on it, in afterAll a graceful stop. Call it at the top level of the file
 * (or of a describe block) before that scope's own beforeAll hooks, which can then use `env`.
 */
export function useTestWorker(extra: Record<string, string> = {}): TestWorker {
  const env: NodeJS.ProcessEnv = {};
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    Object.assign(env, await testEnv(extra));
    worker = await startWorker(env);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  return {
    env,
    get worker() {
      if (!worker) throw new Error('the test worker starts in beforeAll');
      return worker;
    },
  };
}

/**
 * Starts `dist/workers/main.js` as a child process and waits until it polls. `execPath`: the program
 * that runs node (a script that enters another host's network namespace, tests/support/netns.ts).
 */
export async function startWorker(env: NodeJS.ProcessEnv, queues: string[] = ['forgeline'], execPath?: string): Promise<RunningWorker> {
  const child = fork(WORKER_MAIN, ['--queues', queues.join(',')], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], cwd: REPO_ROOT, ...(execPath ? { execPath } : {}) });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early with code ${code}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `forgeline <args>` as a user would, in the repository root. */
/**
 * Fails with the command's own output when it did not exit with `code`: a bare "Expected: 0,
 * Received: 1" from a CI run leaves nothing to find the cause from.
 */
export function expectExit(res: CliResult, code = 0): void {
  if (res.code === code) return;
  const tail = (text: string) => text.slice(-8000);
  throw new Error(`exited ${res.code}, not ${code}\n--- stdout (tail)\n${tail(res.stdout)}\n--- stderr (tail)\n${tail(res.stderr)}`);
}

export function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 170_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * A client on the test server, in this jest worker's namespace; with `env`, on the server and in the
 * namespace that environment names (a test run's own, or the isolated one).
 */
export async function testClient(env?: NodeJS.ProcessEnv): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: env?.TEMPORAL_ADDRESS ?? services().temporalAddress });
  return { client: new Client({ connection, namespace: env?.TEMPORAL_NAMESPACE ?? testNamespace() }), close: () => connection.close() };
}
