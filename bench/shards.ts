import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { RunResult } from '../core/workflow-safe/run-state.js';
import { startRun } from '../core/client/runs.js';
import { historySize } from '../core/temporal/history-size.js';
import { ensureTemporalBinary } from '../core/temporal/binary.js';
import { freePort, startDevServer } from '../core/temporal/dev-server.js';
import { generateCorpus } from './stages.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER_MAIN = path.resolve(here, '../workers/main.js');
const STAGES = ['validate', 'pii', 'score'] as const;

function startWorker(env: NodeJS.ProcessEnv): Promise<{ stop(): Promise<void> }> {
  const child = fork(WORKER_MAIN, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve({ stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) }));
    child.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
  });
}

/** One stage on files in a process of its own, as `forgeline stage` runs it (bench/_stage-child.ts). */
function stageOnFiles(kind: string, file: string, home: string): Promise<{ ms: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, '_stage-child.js'), [kind, 'records', file, '{}'], { env: { ...process.env, FORGELINE_HOME: home }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${kind} exited with ${code}`));
      const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; outputs: { records: { uri: string } } };
      resolve({ ms: r.ms, output: fileURLToPath(r.outputs.records.uri) });
    });
  });
}

/**
 * `npm run bench -- shards [--records 1000000] [--shards 16]` (issue 21): the corpus of
 * bench/stages.ts as N shards through validate -> pii -> score on Temporal (its own dev server, one
 * worker on this machine, cache off), against the same stages run one after another as single
 * processes on the whole file. Prints the run's history size (events, bytes), the largest payload
 * any one event carries (it must stay under 10 KB at any size), and the times.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { records: { type: 'string', default: '1000000' }, shards: { type: 'string', default: '16' } } });
  const n = Number(values.records);
  const shards = Number(values.shards);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-shards-'));
  const raw = path.join(dir, 'corpus.jsonl');
  const bytes = await generateCorpus(raw, n);
  console.log(`corpus: ${n} lines, ${(bytes / 1e6).toFixed(1)} MB, ${shards} shards; ${os.availableParallelism()} cores`);

  const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, console.error);
  const server = await startDevServer({ binary: binary.path, dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), logFile: path.join(dir, 'temporal.log') });
  const env = {
    ...process.env,
    FORGELINE_HOME: path.join(dir, 'state'),
    FORGELINE_INPUT_ROOTS: dir,
    TEMPORAL_ADDRESS: server.address,
    FORGELINE_PIPELINES: path.join(here, 'pipelines'),
    FORGELINE_LOG_LEVEL: 'warn',
  };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const worker = await startWorker(env);
    const t0 = performance.now();
    const runId = await startRun(client, { pipeline: 'bench-shards', params: { input: raw, shards }, options: { cache: false } });
    const result = (await client.workflow.getHandle(runId).result()) as RunResult;
    const total = performance.now() - t0;
    await worker.stop();
    if (result.status !== 'succeeded') throw new Error(`run ${runId} ended ${result.status}: ${result.error ?? ''}`);
    const size = historySize(await client.workflow.getHandle(runId).fetchHistory());
    console.log(`Temporal, ${shards} shards, one worker: ${(total / 1000).toFixed(1)} s end to end`);
    for (const s of result.steps) console.log(`  ${s.id.padEnd(9)} ${((s.durationMs ?? 0) / 1000).toFixed(1).padStart(7)} s   ${JSON.stringify({ total: s.metadata.total, kept: s.metadata.kept, shards: s.metadata.shards })}`);
    console.log(`  history: ${size.events} events, ${(size.bytes / 1024).toFixed(1)} KB; largest payload in one event: ${size.largestEventPayload.bytes} bytes (${size.largestEventPayload.eventType}; limit 10240)`);

    let input = raw;
    let cliTotal = 0;
    console.log('single process per stage (forgeline stage), whole file:');
    for (const kind of STAGES) {
      const r = await stageOnFiles(kind, input, path.join(dir, 'cli-home'));
      cliTotal += r.ms;
      console.log(`  ${kind.padEnd(9)} ${(r.ms / 1000).toFixed(1).padStart(7)} s`);
      input = r.output;
    }
    console.log(`  total     ${(cliTotal / 1000).toFixed(1).padStart(7)} s`);
  } finally {
    await connection.close();
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
