import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { ArtifactRef } from '../artifacts/ref.js';
import { defineStep, type StepContext, type StepKind } from '../dsl/step-kind.js';
import { resolveThreads, runStage, type StageStats } from './run.js';
import { defineStage, type Counters, type Stage } from './stage.js';
import type { UnitSource } from './units.js';

/**
 * Runs a stage inside a step: units in, `records` and `rejects` artifacts out, heartbeats and
 * cancellation handled.
 */
export async function runStageStep(
  ctx: StepContext,
  args: { stage: string; options: unknown; source: string; input: UnitSource; inputBytes: number; threads: number | 'auto'; isolate?: boolean; schema: string; totalHint?: number },
): Promise<{ records: ArtifactRef; rejects: ArtifactRef; stats: StageStats; counters: Counters }> {
  const kept = await ctx.store.writer('.jsonl');
  const rejects = await ctx.store.writer('.jsonl');
  try {
    const { stats, counters } = await runStage({
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

/**
 * A record stage and its step kind in one file (the way to add a filter): input `records`, outputs
 * `records` and `rejects`; the metadata is the stats and the stage's counters. Large inputs run in
 * worker threads, which load the stage from `module`.
 */
export function defineRecordStage<Opts extends z.ZodType, Reason extends string>(spec: {
  kind: string;
  description: string;
  module: string;
  options: Opts;
  create(options: z.output<Opts>): Stage<Record<string, unknown>, Reason> | Promise<Stage<Record<string, unknown>, Reason>>;
}): StepKind<Opts, { records: { kind: 'records' } }, { records: 'records'; rejects: 'records' }> {
  // Options cross to worker threads as plain data, and are parsed again there.
  defineStage({ reads: 'record', name: spec.kind, module: spec.module, create: (options) => spec.create(spec.options.parse(options)) });
  return defineStep({
    kind: spec.kind,
    description: spec.description,
    module: spec.module,
    inputs: { records: { kind: 'records' } },
    outputs: { records: 'records', rejects: 'records' },
    options: spec.options,
    cli: { in: 'records', out: 'records', rejects: 'rejects' },
    async run(ctx, inputs, options) {
      const file = await ctx.store.localPath(inputs.records);
      const { size } = await fs.stat(file);
      const out = await runStageStep(ctx, {
        stage: spec.module, options, source: sourceName(ctx, 'records', inputs.records), input: { file }, inputBytes: size, threads: 'auto',
        schema: inputs.records.schema, totalHint: inputs.records.records,
      });
      return { outputs: { records: out.records, rejects: out.rejects }, metadata: { ...out.stats, ...out.counters } };
    },
  });
}
