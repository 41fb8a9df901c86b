import path from 'node:path';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { StepContext } from '../../../core/dsl/step-kind.js';
import type { StageStats } from '../../../core/stage/record-stage.js';
import { resolveThreads, runLineStage } from './run.js';
import type { Counters, UnitSource } from './types.js';

/**
 * Runs a line stage inside a step: units in, `records` and `rejects` artifacts out, heartbeats and
 * cancellation handled. Shared by validate, pii and score.
 */
export async function runLineStageStep(
  ctx: StepContext,
  args: { stage: string; options: unknown; source: string; input: UnitSource; inputBytes: number; threads: number | 'auto'; isolate?: boolean; schema: string; totalHint?: number },
): Promise<{ records: ArtifactRef; rejects: ArtifactRef; stats: StageStats; counters: Counters }> {
  const kept = await ctx.store.writer('.jsonl');
  const rejects = await ctx.store.writer('.jsonl');
  try {
    const { stats, counters } = await runLineStage({
      stage: args.stage,
      options: args.options,
      source: args.source,
      input: args.input,
      threads: resolveThreads(args.threads, args.inputBytes),
      isolate: args.isolate ?? false,
      keptPath: kept.path,
      rejectsPath: rejects.path,
      sinkFs: kept.fs,
      progress(done) {
        ctx.heartbeat({ done, total: args.totalHint, unit: 'records' });
        if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('cancelled');
      },
    });
    return {
      records: await kept.commit({ kind: 'records', schema: args.schema, records: stats.kept }),
      rejects: await rejects.commit({ kind: 'records', schema: 'reject', records: stats.rejected }),
      stats,
      counters,
    };
  } catch (err) {
    await kept.abort();
    await rejects.abort();
    throw err;
  }
}

/** The name provenance records: the user's file name when known, else the artifact's. */
export function sourceName(ctx: StepContext, input: string, ref: ArtifactRef | undefined, fallback?: string): string {
  const original = ctx.inputFiles?.[input]?.[0];
  if (original) return path.basename(original);
  if (fallback) return path.basename(fallback);
  return ref ? path.basename(ref.uri) : 'unknown';
}
