import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { PipelineError } from '../../../core/errors.js';
import type { StageStats } from '../../../core/stage/record-stage.js';
import { loadLineStage } from './factories.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';
import { TextSink } from './sink.js';
import { mergeCounters, type Counters, type Unit } from './types.js';

export interface RunLineStageArgs {
  stage: string;
  options: unknown;
  source: string;
  units: AsyncIterable<Unit>;
  /** 1 runs in this thread; more shards batches over worker threads (order is kept). */
  threads: number;
  /** Run in a worker thread even with one thread (native runtimes such as onnxruntime get a plain Node realm). */
  isolate?: boolean;
  keptPath: string;
  rejectsPath: string;
  /** Called every few thousand units (heartbeats); throw from it to stop. */
  progress?(done: number): void;
}

export interface LineStageOutcome {
  stats: StageStats;
  counters: Counters;
}

const BATCH_BYTES = 1 << 19;
const BATCH_UNITS = 4096;
const PROGRESS_EVERY = 5000;
const WORKER_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 12 };

/** `auto` threads: one per core (at most 4) for inputs over 16 MB, else in-process. */
export function resolveThreads(threads: number | 'auto', inputBytes: number): number {
  if (threads !== 'auto') return Math.max(1, threads);
  if (inputBytes < 16 * 1024 * 1024) return 1;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Runs a line stage over a stream of units and writes kept and rejected lines. Counts every unit:
 * kept + rejected = total. Memory is bounded: at most a few batches are in flight.
 */
export async function runLineStage(args: RunLineStageArgs): Promise<LineStageOutcome> {
  const kept = new TextSink(args.keptPath);
  const rejects = new TextSink(args.rejectsPath);
  const stats: StageStats = { total: 0, kept: 0, rejected: 0, dropped: {} };
  try {
    const counters = args.threads <= 1 && !args.isolate ? await inProcess(args, kept, rejects, stats) : await inWorkers(args, kept, rejects, stats);
    return { stats, counters };
  } finally {
    await kept.close();
    await rejects.close();
  }
}

async function inProcess(args: RunLineStageArgs, kept: TextSink, rejects: TextSink, stats: StageStats): Promise<Counters> {
  const stage = await (await loadLineStage(args.stage))(args.options, { source: args.source });
  for await (const unit of args.units) {
    let r = stage.process(unit);
    if (r instanceof Promise) r = await r;
    stats.total++;
    if ('kept' in r) {
      stats.kept++;
      await kept.write(r.kept + '\n', 1);
    } else {
      stats.rejected++;
      stats.dropped[r.reason] = (stats.dropped[r.reason] ?? 0) + 1;
      await rejects.write(r.reject + '\n', 1);
    }
    if (stats.total % PROGRESS_EVERY === 0) args.progress?.(stats.total);
  }
  await stage.close?.();
  return stage.counters();
}

type BatchDone = Extract<BatchReply, { type: 'batch' }>;

async function inWorkers(args: RunLineStageArgs, kept: TextSink, rejects: TextSink, stats: StageStats): Promise<Counters> {
  const init: WorkerInit = { stage: args.stage, options: args.options, source: args.source };
  const workers: Worker[] = [];
  const results = new Map<number, BatchDone>();
  const counters: Counters = {};
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let news = false;
  const notify = () => {
    news = true;
    const w = wake;
    wake = undefined;
    w?.();
  };
  // A message may arrive while the loop awaits a write: `news` remembers it so no wake-up is lost.
  const waitForNews = async (): Promise<void> => {
    if (!news) await new Promise<void>((r) => (wake = r));
    news = false;
    if (failure) throw failure;
  };
  let finished = 0;
  const inflight: number[] = [];

  try {
    await Promise.all(
      Array.from({ length: Math.max(1, args.threads) }, (_, i) => {
        // A worker holds a few batches at a time; capping its heap keeps the process under its RSS
        // budget (the ONNX runtime's native memory is outside these limits).
        // `env` as this realm sees it: the default is the host process's, which differs where the runner
        // is loaded in a VM realm with its own process.env (jest). Stages read NEO4J_URI etc. from it.
        const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, resourceLimits: WORKER_LIMITS, env: process.env });
        workers.push(w);
        inflight[i] = 0;
        return new Promise<void>((resolve, reject) => {
          w.on('message', (m: BatchReply) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'batch') {
              inflight[i]!--;
              results.set(m.seq, m);
              notify();
            } else if (m.type === 'counters') {
              mergeCounters(counters, m.counters);
              finished++;
              notify();
            } else {
              const message = `curation worker (${args.stage}): ${m.message}`;
              failure = m.code ? new PipelineError(m.code, message, m.issues) : new Error(message);
              reject(failure);
              notify();
            }
          });
          w.once('error', (e) => {
            failure = e;
            reject(e);
            notify();
          });
        });
      }),
    );

    let seq = 0;
    let nextToWrite = 0;
    const maxInFlight = args.threads * 3;
    const writeReady = async () => {
      for (let r = results.get(nextToWrite); r; r = results.get(nextToWrite)) {
        results.delete(nextToWrite);
        nextToWrite++;
        stats.total += r.keptCount + r.rejectedCount;
        stats.kept += r.keptCount;
        stats.rejected += r.rejectedCount;
        for (const [reason, n] of Object.entries(r.reasons)) stats.dropped[reason] = (stats.dropped[reason] ?? 0) + n;
        await kept.write(r.kept, r.keptCount);
        await rejects.write(r.rejects, r.rejectedCount);
        args.progress?.(stats.total);
      }
    };
    const dispatch = (units: Unit[], bytes: number) => {
      const buf = new Uint8Array(bytes);
      const offsets = new Int32Array(units.length + 1);
      const lines = new Int32Array(units.length);
      let at = 0;
      units.forEach((u, k) => {
        offsets[k] = at;
        lines[k] = u.line;
        buf.set(u.bytes, at);
        at += u.bytes.length;
      });
      offsets[units.length] = at;
      let target = 0;
      for (let i = 1; i < workers.length; i++) if (inflight[i]! < inflight[target]!) target = i;
      inflight[target]!++;
      const msg: BatchRequest = { type: 'batch', seq: seq++, buf, offsets, lines };
      workers[target]!.postMessage(msg, [buf.buffer, offsets.buffer, lines.buffer]);
    };

    let batch: Unit[] = [];
    let batchBytes = 0;
    for await (const unit of args.units) {
      batch.push(unit);
      batchBytes += unit.bytes.length;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_UNITS) {
        dispatch(batch, batchBytes);
        batch = [];
        batchBytes = 0;
        await writeReady();
        while (seq - nextToWrite >= maxInFlight) {
          await waitForNews();
          await writeReady();
        }
      }
    }
    if (batch.length) dispatch(batch, batchBytes);
    while (nextToWrite < seq) {
      await writeReady();
      if (nextToWrite < seq) await waitForNews();
    }
    for (const w of workers) w.postMessage({ type: 'finish' } satisfies BatchRequest);
    while (finished < workers.length) await waitForNews();
    return counters;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
