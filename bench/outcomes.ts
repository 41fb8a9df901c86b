import { fork } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ensureEmbeddedBaseModel } from '../activities/models/base-model.js';
import { ensureHfBackend } from '../activities/train/backends/hf-setup.js';
import { awaitRun, decideApproval, startRun } from '../core/client/runs.js';
import { ensureTemporalBinary } from '../core/temporal/binary.js';
import { freePort, startDevServer } from '../core/temporal/dev-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER_MAIN = path.resolve(here, '../workers/main.js');

/** The pipelines docs/results.md reports, each on its sample data and the real base (the defaults). */
const PIPELINES: { name: string; params: Record<string, unknown>; approve?: string }[] = [
  { name: 'quickstart', params: {} },
  // A few hundred examples on 2 cores: one batch an optimizer step, as for tlp-classifier (seed 003's
  // accumulation of 8 leaves them a few dozen steps; docs/results.md).
  { name: 'json-expert', params: { examples: 1200, evalLimit: 60, gradientAccumulation: 1 } },
  { name: 'cypher-expert', params: { examples: 1200, evalLimit: 60, gradientAccumulation: 1 } },
  { name: 'tlp-classifier', params: { gradientAccumulation: 1 } }, // the run tests/pipelines-builtin/tlp-real-base.test.ts checks
  { name: 'relationship-coach', params: { minNewExamples: 0 } },
  // Seed 002's four phases at 0.5% of its sizes (50 x 2 epochs, 1,000, 500 and 250 examples) from
  // the 1,200-record sample's training part. The bench approves the red-team review as a person
  // would (`forgeline approve`); the sample's red-team records are refusals written for it.
  { name: 'reasoning-curriculum', params: { scale: 0.005, gradientAccumulation: 1 }, approve: 'red-team-review' },
];

interface Verdict {
  decision: string;
  metric: string;
  base: number;
  tuned: number;
  delta: number;
  low: number;
  high: number;
  n: number;
  method: string;
}

/**
 * `npm run bench -- outcomes [--only quickstart,json-expert] [--write docs/results.md]`: runs the
 * quickstart and the seed pipelines on the real base model (SmolLM2-135M-Instruct) with their sample
 * data, on a dev server of its own, and prints per pipeline the primary metric base → tuned with
 * the paired 95% interval, n, the verdict and the training time; `--write` puts the table in a file.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { only: { type: 'string' }, write: { type: 'string' } } });
  const chosen = values.only ? PIPELINES.filter((p) => values.only!.split(',').includes(p.name)) : PIPELINES;
  await ensureEmbeddedBaseModel(console.error);
  await ensureHfBackend();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-outcomes-'));
  const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN, console.error);
  const server = await startDevServer({ binary: binary.path, dbFile: path.join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), logFile: path.join(dir, 'temporal.log') });
  const env = { ...process.env, FORGELINE_HOME: path.join(dir, 'state'), TEMPORAL_ADDRESS: server.address, FORGELINE_PIPELINES: '', FORGELINE_LOG_LEVEL: 'warn' };
  const worker = fork(WORKER_MAIN, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const shutDown = async (): Promise<void> => {
    worker.kill('SIGTERM');
    await server.stop();
  };
  // Stopped by a signal, the bench takes its worker and dev server down with it, as it does when it
  // ends: a forked worker outlives a killed parent, and kept training for a bench nobody waited on.
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutDown().finally(() => process.exit(128 + os.constants.signals[signal]));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let connection: Connection | undefined;
  const rows: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
    });
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    for (const p of chosen) {
      const t0 = performance.now();
      const load = os.loadavg()[0]!;
      const runId = await startRun(client, { pipeline: p.name, params: p.params });
      let approved = false;
      const s = await awaitRun(client, runId, (snap) => {
        const review = snap.state?.steps.find((x) => x.id === p.approve);
        if (review?.status !== 'waiting' || approved) return;
        approved = true;
        void decideApproval(client, runId, { step: review.id, decision: 'approve', by: 'bench outcomes', note: "the sample's red-team records are refusals written for it" }).catch((err: unknown) => {
          approved = false; // asked again at the next poll
          console.error(`approving ${review.id}: ${String(err)}`);
        });
      });
      const wall = (performance.now() - t0) / 1000;
      const steps = s.state?.steps ?? [];
      // A curriculum gates every phase: the last gate judges the model the run ships.
      const promote = steps.findLast((x) => x.kind === 'promote');
      const train = steps.filter((x) => x.kind === 'train');
      const trainSeconds = train.reduce((a, x) => a + Number(x.metadata.seconds ?? 0), 0);
      const v = promote?.metadata.verdict as Verdict | undefined;
      const ppl = await perplexities(steps.findLast((x) => x.kind === 'evaluate')?.outputs.report?.uri);
      const row = v
        ? `| ${p.name} | ${v.metric} | ${fmt(v.base)} | ${fmt(v.tuned)} | ${signed(v.delta)} [${signed(v.low)}, ${signed(v.high)}] (${v.method}) | ${v.n} | ${ppl} | ${v.decision} | ${Math.round(trainSeconds)} s | ${Math.round(wall)} s | ${load.toFixed(2)} |`
        : `| ${p.name} | - | - | - | - | - | - | ${s.state?.status ?? s.temporalStatus}${s.failure ? `: ${s.failure.slice(0, 120)}` : ''} | ${Math.round(trainSeconds)} s | ${Math.round(wall)} s | ${load.toFixed(2)} |`;
      rows.push(row);
      console.log(row);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await connection?.close();
    await shutDown();
  }
  const table = [
    '| pipeline | primary metric | base | tuned | delta [95% interval] | n | test perplexity base -> tuned | verdict | training (2 cores) | run wall time | load at start |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  console.log(`\n${table}`);
  if (values.write) await writeFile(values.write, `${table}\n`);
}

const fmt = (x: number): string => x.toFixed(3);
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

async function perplexities(uri: string | undefined): Promise<string> {
  if (!uri) return '-';
  const report = JSON.parse(await readFile(uri.replace('file://', ''), 'utf8')) as { metrics: { name: string; base?: number; tuned: number }[] };
  const ppl = report.metrics.find((m) => m.name === 'test.perplexity');
  return ppl && ppl.base !== undefined ? `${ppl.base.toFixed(1)} -> ${ppl.tuned.toFixed(1)}` : '-';
}
