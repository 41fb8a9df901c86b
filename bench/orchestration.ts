import { fork } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { startRun } from '../core/client/runs.js';
import { loadConfig } from '../core/config.js';
import { ensureTemporalBinary } from '../core/temporal/binary.js';
import { freePort, startDevServer } from '../core/temporal/dev-server.js';
import { timeTemporalReference } from './_temporal-reference.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER_MAIN = path.resolve(here, '../workers/main.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<{ readyMs: number; stop(): Promise<void> }> {
  const t0 = performance.now();
  const child = fork(WORKER_MAIN, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });
  const readyMs = performance.now() - t0;
  return {
    readyMs,
    stop: () =>
      new Promise((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `npm run bench -- orchestration [--runs 3]`: per-step overhead of a 50-step chain, a 50-wide fan-out
 * against one step, and worker start-up with the prebuilt workflow bundle. Uses its own dev server.
 * Then the same shapes in plain Temporal on that server (./_temporal-reference.ts), so that the
 * figures can be read against what this host gives Temporal itself.
 */
export async function run(args: string[]): Promise<void> {
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 3) || 3;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-'));
  const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, console.error);
  const server = await startDevServer({
    binary: binary.path,
    dbFile: path.join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    logFile: path.join(dir, 'temporal.log'),
  });
  const env = {
    ...process.env,
    FORGELINE_HOME: path.join(dir, 'state'),
    TEMPORAL_ADDRESS: server.address,
    FORGELINE_PIPELINES: path.join(here, 'pipelines'),
    FORGELINE_LOG_LEVEL: 'warn',
  };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const startups: number[] = [];
    for (let i = 0; i < runs; i++) {
      const w = await startWorker(env);
      startups.push(w.readyMs);
      await w.stop();
    }
    const worker = await startWorker(env);
    const timeRun = async (shape: 'chain' | 'fanout', n: number) => {
      const t0 = performance.now();
      const runId = await startRun(client, { pipeline: 'bench-dag', params: { shape, n, salt: `${Math.random()}` }, options: { cache: false, maxParallel: 64 } });
      // Wait on the result itself (long poll), not on status queries, which would load the worker.
      await client.workflow.getHandle(runId).result();
      return performance.now() - t0;
    };
    await timeRun('chain', 5); // warm-up
    const chain = [];
    const fan = [];
    const one = [];
    for (let i = 0; i < runs; i++) {
      chain.push(await timeRun('chain', 50));
      fan.push(await timeRun('fanout', 50));
      one.push(await timeRun('chain', 1));
    }
    await worker.stop();
    const reference = await timeTemporalReference(server.address, runs, 50, loadConfig(env).eagerActivities);
    const perStep = median(chain) / 50;
    console.log('orchestration benchmark (dev server, one worker, cache off)');
    console.log(`  50-step chain:     median ${median(chain).toFixed(0)} ms total, ${perStep.toFixed(1)} ms per step (target <= 50)`);
    console.log(`  1-step run:        median ${median(one).toFixed(0)} ms`);
    console.log(`  50-wide fan-out:   median ${median(fan).toFixed(0)} ms = ${(median(fan) / median(one)).toFixed(2)}x one step (target <= 3x)`);
    console.log(`  worker ready:      median ${median(startups).toFixed(0)} ms with the prebuilt bundle (target <= 3000)`);
    const [refOne, refFan] = [median(reference.one), median(reference.fanOut)];
    console.log('plain Temporal on the same server (empty activities, no Forgeline code), for reference');
    console.log(`  50-step chain:     median ${median(reference.chain).toFixed(0)} ms total, ${(median(reference.chain) / 50).toFixed(1)} ms per step`);
    console.log(`  1-activity run:    median ${refOne.toFixed(0)} ms`);
    console.log(`  50-wide fan-out:   median ${refFan.toFixed(0)} ms = ${(refFan / refOne).toFixed(2)}x one activity`);
  } finally {
    await connection.close();
    await server.stop();
  }
}
