import os from 'node:os';
import type { SinkFs } from '../artifacts/file-sink.js';
import { inWorkers } from './in-workers.js';
import { createJudge, type UnitResult } from './judge.js';
import { PROGRESS_EVERY } from './progress.js';
import { RecordsWriter } from './records-io.js';
import { loadStage, type Counters } from './stage.js';
import { unitsOf, type UnitSource } from './units.js';

export interface RunStageArgs {
  /** The stage's module URL (`stageAt`); it is loaded here, or in each worker thread. */
  stage: string;
  options: unknown;
  source: string;
  input: UnitSource;
  /** 1 runs in this thread; more shards batches over worker threads (order is kept). */
  threads: number;
  /** Run in a worker thread even with one thread (native runtimes such as onnxruntime get a plain Node realm). */
  isolate?: boolean;
  keptPath: string;
  rejectsPath: string;
  /** The file calls the two writers make: the store's (LocalArtifactStore's `fs` option), else Node's. */
  sinkFs?: SinkFs;
  /** Called every few thousand units (heartbeats); throw from it to stop. */
  progress?(done: number): void;
}

/** Stats every stage reports: nothing is lost, kept + rejected = total. */
export interface StageStats {
  total: number;
  kept: number;
  rejected: number;
  dropped: Record<string, number>;
}

export interface StageOutcome {
  stats: StageStats;
  counters: Counters;
}

/** `auto` threads: one per core (at most 4) for inputs over 16 MB, else in-process. */
export function resolveThreads(threads: number | 'auto', inputBytes: number): number {
  if (threads !== 'auto') return Math.max(1, threads);
  if (inputBytes < 16 * 1024 * 1024) return 1;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * The one stage runner: one input to one file of kept records and one of reject rows. Counts every
 * unit: kept + rejected = total. Memory is bounded: at most a few batches are in flight.
 */
export async function runStage(args: RunStageArgs): Promise<StageOutcome> {
  const kept = RecordsWriter.toFile(args.keptPath, args.sinkFs);
  const rejects = RecordsWriter.toFile(args.rejectsPath, args.sinkFs);
  const stats: StageStats = { total: 0, kept: 0, rejected: 0, dropped: {} };
  try {
    const counters = args.threads <= 1 && !args.isolate ? await inProcess(args, kept, rejects, stats) : await inWorkers(args, kept, rejects, stats);
    await kept.close();
    await rejects.close();
    return { stats, counters };
  } catch (err) {
    // The first error is the one to report: closing a writer that failed would only throw again.
    await kept.abort();
    await rejects.abort();
    throw err;
  }
}

/**
 * Units whose verdict is a promise (an LLM judge, a database check) are judged up to ASYNC_WINDOW at a
 * time, so a model serving several sequences is kept busy; results are still written in input order.
 */
const ASYNC_WINDOW = 8;

async function inProcess(args: RunStageArgs, kept: RecordsWriter, rejects: RecordsWriter, stats: StageStats): Promise<Counters> {
  const { judge, stage } = await createJudge(await loadStage(args.stage), args.options, { source: args.source });
  const write = async (r: UnitResult): Promise<void> => {
    stats.total++;
    if ('kept' in r) {
      stats.kept++;
      await kept.writeLine(r.kept);
    } else {
      stats.rejected++;
      stats.dropped[r.reason] = (stats.dropped[r.reason] ?? 0) + 1;
      await rejects.writeLine(r.reject);
    }
    if (stats.total % PROGRESS_EVERY === 0) args.progress?.(stats.total);
  };
  const pending: Promise<UnitResult>[] = [];
  for await (const unit of unitsOf(args.input)) {
    const r = judge(unit);
    if (!(r instanceof Promise) && pending.length === 0) {
      await write(r);
      continue;
    }
    const p = Promise.resolve(r);
    // Awaited below in order; until then a rejection must not count as unhandled.
    p.catch(() => undefined);
    pending.push(p);
    if (pending.length >= ASYNC_WINDOW) await write(await pending.shift()!);
  }
  while (pending.length > 0) await write(await pending.shift()!);
  await stage.close?.();
  return stage.counters?.() ?? {};
}
