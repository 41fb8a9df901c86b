import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { statePaths } from '../../core/config.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import type { RunState } from '../../core/run-state.js';
import { readJsonArtifact, readRecords } from '../../core/stage/records-io.js';
import type { EvalReport } from '../eval/result.js';
import { renderReport } from './html.js';
import { bucketsOf, curvesOf, dedupOf, modelsOf, parityOf, piiOf, promotionOf, qualityOf, splitOf, type Fact, type ReportData } from './model.js';
import { readRunState } from './run-state.js';

/** Loss-curve rows read per curve artifact at most: a chart has a few hundred pixels across. */
const MAX_CURVE_POINTS = 2000;

/**
 * The run report: one self-contained HTML file. It reads the run's state (timings and every
 * step's metadata) through the workflow's status query, and the artifacts wired to it: evaluation
 * and promotion reports, other stage reports, loss-curve records and model files.
 */
export const reportStep = defineStep({
  kind: 'report',
  description: 'Render the run report: one self-contained HTML file with timings, data statistics, loss curves, evaluation and model sizes',
  module: import.meta.url,
  inputs: {
    evals: { kind: 'report', many: true, optional: true },
    reports: { kind: 'report', many: true, optional: true },
    /** Loss curves: the train step's `progress` (a JSON array of rows) or any JSONL of rows. */
    curves: { kind: 'report', many: true, optional: true },
    models: { kind: 'model', many: true, optional: true },
  },
  outputs: { html: 'report' },
  options: z
    .object({
      title: z.string().optional(),
      /** Read timings and step metadata from the run's workflow (off: inputs only). */
      runState: z.boolean().default(true),
    })
    .strict(),
  // The report describes this run (its id, its timings): never served from another run's cache.
  fingerprint: () => Promise.resolve(randomUUID()),
  async run(ctx, inputs, options) {
    const state = options.runState ? await readRunState(ctx.config, ctx.runId) : undefined;
    const facts: Fact[] = [];
    const producer = new Map<string, { stepId: string; kind: string; metadata: Record<string, unknown> }>();
    for (const s of state?.steps ?? []) {
      if (s.id === ctx.stepId) continue;
      if (Object.keys(s.metadata).length) facts.push({ source: 'metadata', kind: s.kind, stepId: s.id, data: s.metadata });
      for (const ref of Object.values(s.outputs)) producer.set(ref.sha256, { stepId: s.id, kind: s.kind, metadata: s.metadata });
    }
    const evals: EvalReport[] = [];
    for (const ref of [...(inputs.evals ?? []), ...(inputs.reports ?? [])]) {
      if (ref.schema === 'html') continue;
      const data = await readJsonArtifact<Record<string, unknown>>(ctx.store, ref);
      if (ref.schema === 'eval' && data.schema === 'eval') evals.push(data as unknown as EvalReport);
      // Artifacts first: a report holds the full picture where metadata may hold a summary.
      else facts.unshift({ source: 'artifact', kind: ref.schema, ...stepOf(producer, ref), data });
    }
    const curveRows: { phase: string; row: Record<string, unknown> }[] = [];
    for (const [i, ref] of (inputs.curves ?? []).entries()) {
      const phase = producer.get(ref.sha256)?.stepId ?? `phase ${i + 1}`;
      const rows: Record<string, unknown>[] = [];
      if (ref.schema === 'train-curve') rows.push(...(await readJsonArtifact<Record<string, unknown>[]>(ctx.store, ref)));
      else for await (const { value } of readRecords(ctx.store, ref)) rows.push(value);
      const stride = Math.max(1, Math.ceil(rows.length / MAX_CURVE_POINTS));
      rows.forEach((row, k) => {
        if (k % stride === 0 || k === rows.length - 1) curveRows.push({ phase, row });
      });
    }
    const modelRefs = [...(inputs.models ?? [])];
    // Every model a step of the run produced counts too, wired in or not.
    for (const s of state?.steps ?? []) for (const ref of Object.values(s.outputs)) if (ref.kind === 'model' && !modelRefs.some((m) => m.sha256 === ref.sha256)) modelRefs.push(ref);
    const models = modelsOf(
      modelRefs.map((ref) => {
        const p = producer.get(ref.sha256);
        return { stepId: p?.stepId ?? path.basename(ref.uri), kind: p?.kind ?? 'model', ref, ...(p ? { facts: p.metadata } : {}) };
      }),
    );
    const data: ReportData = {
      title: options.title ?? `Forgeline run ${ctx.runId}`,
      runId: ctx.runId,
      pipeline: state?.pipeline ?? '(unknown)',
      status: state ? describeStatus(state) : 'unknown',
      generatedAt: new Date().toISOString(),
      notes: state?.notes ?? [],
      steps: (state?.steps ?? [])
        .filter((s) => s.id !== ctx.stepId)
        .map((s) => ({ id: s.id, kind: s.kind, status: s.status, cached: s.status === 'cached', ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}) })),
      curves: curvesOf(curveRows),
      evals,
      models,
    };
    const optional = {
      buckets: bucketsOf(facts),
      quality: qualityOf(facts),
      pii: piiOf(facts),
      dedup: dedupOf(facts),
      split: splitOf(facts),
      promotion: promotionOf(facts),
      parity: parityOf(facts),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (data as unknown as Record<string, unknown>)[k] = v;
    const html = renderReport(data);
    const w = await ctx.store.writer('.html');
    await fs.writeFile(w.path, html);
    const ref = await w.commit({ kind: 'report', schema: 'html' });
    // A stable, readable path beside the content-addressed artifact: <home>/runs/<run id>/report.html.
    const dir = path.join(statePaths(ctx.config.home).runs, safeName(ctx.runId));
    await fs.mkdir(dir, { recursive: true });
    const htmlReport = path.join(dir, 'report.html');
    await fs.copyFile(await ctx.store.localPath(ref), htmlReport);
    return {
      outputs: { html: ref },
      metadata: {
        htmlReport,
        bytes: ref.bytes,
        sections: Object.entries(optional).filter(([, v]) => v !== undefined).map(([k]) => k).concat(data.curves.length ? ['curves'] : [], data.evals.length ? ['evals'] : [], data.models.length ? ['models'] : []),
      },
    };
  },
});

function stepOf(producer: Map<string, { stepId: string }>, ref: ArtifactRef): { stepId?: string } {
  const p = producer.get(ref.sha256);
  return p ? { stepId: p.stepId } : {};
}

function describeStatus(s: RunState): string {
  // The report itself runs inside the run, so the run is still `running`; say how far it got.
  const failed = s.steps.filter((x) => x.status === 'failed').length;
  return failed ? `${s.status}, ${failed} failed` : s.status;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
