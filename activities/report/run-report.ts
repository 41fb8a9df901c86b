import path from 'node:path';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { nameOutputs } from '../../core/runs/names.js';
import { bucketsOf, curvesOf, dedupOf, modelsOf, parityOf, piiOf, promotionOf, qualityOf, splitOf, type Fact, type RejectsRow, type ReportData } from './model.js';
import type { ReportSections } from './sections.js';

/** The step kind whose outputs are sections of the run report (./report-step.ts). */
export const SECTIONS_STEP_KIND = 'report';

/**
 * The run report's data: the run's final state (status, timings, every step's metadata and
 * outputs) and the sections its report steps added. Pure: the finisher reads, this assembles.
 */
export function assembleReport(runId: string, state: RunState, sections: ReportSections[], generatedAt: string, fileTypes: Record<string, string> = {}): ReportData {
  const producer = new Map<string, { stepId: string; kind: string; metadata: Record<string, unknown> }>();
  const facts: Fact[] = [];
  for (const s of state.steps) {
    if (s.kind === SECTIONS_STEP_KIND) continue;
    if (Object.keys(s.metadata).length) facts.push({ source: 'metadata', kind: s.kind, stepId: s.id, data: s.metadata });
    for (const ref of Object.values(s.outputs)) producer.set(ref.sha256, { stepId: s.id, kind: s.kind, metadata: s.metadata });
  }
  // Artifacts first: a report holds the full picture where metadata may hold a summary.
  const artifactFacts: Fact[] = sections.flatMap((sec) =>
    sec.reports.map((r) => {
      const p = producer.get(r.sha256);
      return { source: 'artifact' as const, kind: r.schema, ...(p ? { stepId: p.stepId } : {}), data: r.data };
    }),
  );
  const all = [...artifactFacts, ...facts];
  const curveRows = sections.flatMap((sec) => sec.curves).flatMap((c, i) => c.rows.map((row) => ({ phase: producer.get(c.sha256)?.stepId ?? `phase ${i + 1}`, row })));
  const modelRefs: ArtifactRef[] = sections.flatMap((sec) => sec.models);
  // Every model a step of the run produced counts too, wired in or not.
  for (const s of state.steps) for (const ref of Object.values(s.outputs)) if (ref.kind === 'model') modelRefs.push(ref);
  const failed = state.steps.filter((x) => x.status === 'failed').length;
  const data: ReportData = {
    title: sections.find((s) => s.title)?.title ?? `Forgeline run ${runId}`,
    runId,
    pipeline: state.pipeline,
    status: failed ? `${state.status}, ${failed} failed` : state.status,
    generatedAt,
    notes: [...(state.haltReason ? [`stopped: ${state.haltReason}`] : []), ...(state.error ? [`error: ${state.error}`] : []), ...state.notes],
    steps: state.steps.map((s) => ({ id: s.id, kind: s.kind, status: s.status, cached: s.status === 'cached', ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}) })),
    curves: curvesOf(curveRows),
    evals: sections.flatMap((s) => s.evals),
    models: modelsOf(
      modelRefs.map((ref) => {
        const p = producer.get(ref.sha256);
        const fileType = fileTypes[ref.sha256];
        return { stepId: p?.stepId ?? path.basename(ref.uri), kind: p?.kind ?? 'model', ref, ...(p ? { facts: p.metadata } : {}), ...(fileType ? { fileType } : {}) };
      }),
    ),
  };
  const optional = {
    buckets: bucketsOf(all),
    quality: qualityOf(all),
    pii: piiOf(all),
    dedup: dedupOf(all),
    split: splitOf(all),
    promotion: promotionOf(all),
    parity: parityOf(all),
    rejects: rejectsOf(state),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (data as unknown as Record<string, unknown>)[k] = v;
  return data;
}

/**
 * The rejects of every step that has a `rejects` output, under their run-folder names: nothing a
 * run set aside goes unmentioned, and the reader knows which file to open.
 */
function rejectsOf(state: RunState): RejectsRow[] | undefined {
  const byStep = new Map(state.steps.map((s) => [s.id, s]));
  const rows = nameOutputs(state.steps)
    .filter((o) => o.output === 'rejects')
    .map((o) => {
      const dropped = byStep.get(o.step)?.metadata.dropped;
      const reasons = dropped && typeof dropped === 'object' ? Object.entries(dropped as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0) : [];
      return { stepId: o.step, file: o.name, records: o.ref.records ?? reasons.reduce((n, [, c]) => n + c, 0), reasons: reasons.sort((a, b) => b[1] - a[1]) };
    });
  return rows.length ? rows : undefined;
}
