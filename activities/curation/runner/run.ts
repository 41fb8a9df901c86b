import os from 'node:os';
import type { StageStats } from '../../../core/stage/record-stage.js';
import { loadLineStage } from './factories.js';
import { inWorkers } from './in-workers.js';
import { RecordsWriter } from '../../../core/stage/records-io.js';
import { unitsOf, type Counters, type UnitSource } from './types.js';

export interface RunLineStageArgs {
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
  /** The file calls the two sinks make: the store's (LocalArtifactStore's `fs` option), else Node's. */
  sinkFs?: import('../../../core/artifacts/file-sink.js').SinkFs;
  /** Called every few thousand units (heartbeats); throw from it to stop. */
  progress?(done: number): void;
}

export interface LineStageOutcome {
  stats: StageStats;
  counters: Counters;
}

const PROGRESS_EVERY = 5000;

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
  const kept = RecordsWriter.toFile(args.keptPath, args.sinkFs);
  const rejects = RecordsWriter.toFile(args.rejectsPath, args.sinkFs);
  const stats: StageStats = { total: 0, kept: 0, rejected: 0, dropped: {} };
  try {
    const counters = args.threads <= 1 && !args.isolate ? await inProcess(args, kept, rejects, stats) : await inWorkers(args, kept, rejects, stats);
    await kept.close();
    await rejects.close();
    return { stats, counters };
  } catch (err) {
    // The first error is the one to report: closing a sink that failed would only throw again.
    await kept.abort();
    await rejects.abort();
    throw err;
  }
}

async function inProcess(args: RunLineStageArgs, kept: RecordsWriter, rejects: RecordsWriter, stats: StageStats): Promise<Counters> {
  const stage = await (await loadLineStage(args.stage))(args.options, { source: args.source });
  for await (const unit of unitsOf(args.input)) {
    let r = stage.process(unit);
    if (r instanceof Promise) r = await r;
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
  }
  await stage.close?.();
  return stage.counters();
}
