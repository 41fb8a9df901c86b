import type { z } from 'zod';
import type { ArtifactRef } from '../artifacts/ref.js';
import { defineStep, type StepContext, type StepKind } from '../dsl/step-kind.js';
import { readRecords, RecordsWriter } from './records-io.js';
import { recordProgress } from './progress.js';

/** A stage's verdict on one record: keep it (possibly rewritten) or drop it with a stable reason code. */
export type Decision<R = Record<string, unknown>> =
  | { keep: true; record?: R }
  | { keep: false; reason: string; detail?: string };

export interface RecordWhere {
  /** Line in the artifact being read (1-based). */
  line: number;
}

export interface RecordStage<R = Record<string, unknown>> {
  process(record: R, where: RecordWhere): Decision<R> | Promise<Decision<R>>;
  /** Extra, text-free facts for the step's metadata (finding counts, histograms). */
  finish?(): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** Stats every record stage reports: nothing is lost, kept + rejected = total. */
export interface StageStats {
  total: number;
  kept: number;
  rejected: number;
  dropped: Record<string, number>;
}

/** A rejected record as it lands in the rejects artifact. */
export interface RejectRow<R = unknown> {
  line: number;
  source?: string;
  reason: string;
  detail?: string;
  record: R;
}

/**
 * The loop every filter-like stage shares: stream in, decide, stream kept records and rejects out,
 * count per reason, heartbeat progress. A stage implements only `process`.
 */
export async function runRecordStage<R extends Record<string, unknown>>(
  ctx: StepContext,
  input: ArtifactRef,
  stage: RecordStage<R>,
): Promise<{ records: ArtifactRef; rejects: ArtifactRef; stats: StageStats; extra: Record<string, unknown> }> {
  const kept = await RecordsWriter.open(ctx.store);
  const rejects = await RecordsWriter.open(ctx.store);
  const stats: StageStats = { total: 0, kept: 0, rejected: 0, dropped: {} };
  try {
    const progress = recordProgress(ctx, input.records);
    for await (const { value, line } of readRecords<R>(ctx.store, input)) {
      stats.total++;
      const d = await stage.process(value, { line });
      if (d.keep) {
        stats.kept++;
        await kept.write(d.record ?? value);
      } else {
        stats.rejected++;
        stats.dropped[d.reason] = (stats.dropped[d.reason] ?? 0) + 1;
        const source = (value as { provenance?: { source?: string; line?: number } }).provenance;
        const row: RejectRow<R> = { line: source?.line ?? line, reason: d.reason, record: value };
        if (source?.source) row.source = source.source;
        if (d.detail) row.detail = d.detail;
        await rejects.write(row);
      }
      progress(stats.total);
    }
    const extra = (await stage.finish?.()) ?? {};
    return { records: await kept.commit(input.schema), rejects: await rejects.commit('reject'), stats, extra };
  } catch (err) {
    // Every failure path, a commit's included, leaves no temp file (aborting a committed writer removes nothing).
    await kept.abort();
    await rejects.abort();
    throw err;
  }
}

/** Builds a step kind from a record stage: input `records`, outputs `records` and `rejects`. */
export function defineRecordStage<Opts extends z.ZodType>(spec: {
  kind: string;
  description: string;
  module: string;
  options: Opts;
  create(options: z.output<Opts>, ctx: StepContext): RecordStage | Promise<RecordStage>;
}): StepKind<Opts, { records: { kind: 'records' } }, { records: 'records'; rejects: 'records' }> {
  return defineStep({
    kind: spec.kind,
    description: spec.description,
    module: spec.module,
    inputs: { records: { kind: 'records' } },
    outputs: { records: 'records', rejects: 'records' },
    options: spec.options,
    cli: { in: 'records', out: 'records', rejects: 'rejects' },
    async run(ctx, inputs, options) {
      const stage = await spec.create(options, ctx);
      const { records, rejects, stats, extra } = await runRecordStage(ctx, inputs.records, stage);
      return { outputs: { records, rejects }, metadata: { ...stats, ...extra } };
    },
  });
}
