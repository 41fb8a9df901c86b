import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { PipelineError } from '../errors.js';

const REAPER = fileURLToPath(new URL('../process/reaper.js', import.meta.url));

export interface DevServerOptions {
  binary: string;
  /** SQLite file; the server's state survives restarts. */
  dbFile: string;
  /**
   * The address clients reach the server at: 127.0.0.1 (the default: this machine only), or an
   * address of the host it runs on, which makes it listen on every address of that host (`--ip
   * 0.0.0.0`): its internal services dial each other on 127.0.0.1, so with one other address alone
   * they fail to connect (temporalio/temporalite-archived#121; seen with CLI v1.5.1).
   */
  host?: string;
  port: number;
  uiPort: number;
  /** Extra namespaces to create at start (tests use one per jest worker). */
  namespaces?: string[];
  logFile: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  /** Where the server's own output goes (the place to look when it dies). */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Dynamic config the embedded server runs with (docker-compose's Temporal gets the same, deploy/).
 * - Eager activity dispatch: an activity scheduled on the workflow's own task queue goes back to the
 *   worker in the workflow task's reply instead of through a queue poll (off by default in Temporal).
 * - The transfer queue's read rate: Temporal reads each history shard's transfer queue at most 20
 *   times a second by default. Every workflow task that follows an activity waits for such a read,
 *   so once the limiter's burst is spent (about 30 reads) every chained step waited up to 50 ms for
 *   its turn. The embedded server has one shard and one user: reads are allowed as fast as tasks come.
 * Both measured in docs/performance.md.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = ['system.enableActivityEagerExecution=true', 'history.transferProcessorMaxPollRPS=1000'];

/**
 * SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit. The default
 * rollback journal writes and syncs each of the server's many small transactions: with WAL the
 * server's CPU per 50-wide fan-out fell from about 680 to 380 ms and a one-step run from about 150
 * to 85 ms (docs/performance.md). A crash of the process loses nothing; a power cut may lose the
 * last moments of history, which an embedded server on one machine can live with.
 */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** Starts `temporal server start-dev` and resolves once its frontend answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  await mkdir(path.dirname(options.dbFile), { recursive: true });
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const host = options.host ?? '127.0.0.1';
  if (await portInUse(options.port, host)) {
    throw new PipelineError('CONFIG', `port ${options.port} is in use; is a Temporal server already running? Set TEMPORAL_ADDRESS to use it`);
  }
  const log = await open(options.logFile, 'a');
  const args = [
    'server', 'start-dev',
    '--db-filename', options.dbFile,
    '--ip', host === '127.0.0.1' ? host : '0.0.0.0',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--log-level', 'warn',
    ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((kv) => ['--dynamic-config-value', kv]),
    ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((kv) => ['--sqlite-pragma', kv]),
    ...(options.namespaces ?? []).flatMap((n) => ['--namespace', n]),
  ];
  const child = spawn(options.binary, args, { stdio: ['ignore', log.fd, log.fd], detached: false });
  // The server is a Go program that cannot watch us: a reaper stops it if this process dies without stop().
  if (child.pid !== undefined) spawn(process.execPath, [REAPER, String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' }).unref();
  const address = `${host}:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new PipelineError('EXTERNAL_SERVICE', `temporal dev server exited (code ${code}); see ${options.logFile}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForFrontend(address, 60_000), exited]);
  return {
    address,
    uiUrl: `http://${host}:${options.uiPort}`,
    process: child,
    logFile: options.logFile,
    async stop() {
      // A server killed by a signal has no exit code but its signalCode: it is gone all the same.
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await done;
        clearTimeout(timer);
      }
      await log.close();
    },
  };
}

async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const conn = await Connection.connect({ address, connectTimeout: 2000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new PipelineError('EXTERNAL_SERVICE', `temporal dev server did not answer on ${address}: ${String(lastError)}`);
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on loopback (tests start their own servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}
