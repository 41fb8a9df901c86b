import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { readJsonArtifact, readRecords } from '../../core/stage/records-io.js';
import type { EvalReport } from '../eval/result.js';

/** Loss-curve rows kept per curve artifact at most: a chart has a few hundred pixels across. */
const MAX_CURVE_POINTS = 2000;

/**
 * What a pipeline's `report` step adds to the run report: the artifacts wired to it, read and
 * parsed. Artifacts keep their digest, so that the run report (which knows the run's steps) can
 * say which step made each one. Stored as the step's `sections` artifact (schema `report-sections`).
 */
export interface ReportSections {
  schema: 'report-sections';
  title?: string;
  evals: EvalReport[];
  /** Other JSON reports (promotion, pii-report, quantize-report...): the full picture where step metadata holds a summary. */
  reports: Array<{ sha256: string; schema: string; data: Record<string, unknown> }>;
  /** Progress rows per curve artifact, thinned to MAX_CURVE_POINTS. */
  curves: Array<{ sha256: string; rows: Record<string, unknown>[] }>;
  models: ArtifactRef[];
}

export interface SectionInputs {
  evals?: ArtifactRef[];
  reports?: ArtifactRef[];
  curves?: ArtifactRef[];
  models?: ArtifactRef[];
}

export async function readSections(store: ArtifactStore, inputs: SectionInputs, title: string | undefined): Promise<ReportSections> {
  const out: ReportSections = { schema: 'report-sections', ...(title ? { title } : {}), evals: [], reports: [], curves: [], models: [...(inputs.models ?? [])] };
  for (const ref of [...(inputs.evals ?? []), ...(inputs.reports ?? [])]) {
    if (ref.schema === 'html' || ref.schema === 'report-sections') continue;
    const data = await readJsonArtifact<Record<string, unknown>>(store, ref);
    if (ref.schema === 'eval' && data.schema === 'eval') out.evals.push(data as unknown as EvalReport);
    else out.reports.push({ sha256: ref.sha256, schema: ref.schema, data });
  }
  for (const ref of inputs.curves ?? []) {
    const rows: Record<string, unknown>[] = [];
    if (ref.schema === 'train-curve') rows.push(...(await readJsonArtifact<Record<string, unknown>[]>(store, ref)));
    else for await (const { value } of readRecords(store, ref)) rows.push(value);
    const stride = Math.max(1, Math.ceil(rows.length / MAX_CURVE_POINTS));
    out.curves.push({ sha256: ref.sha256, rows: rows.filter((_, k) => k % stride === 0 || k === rows.length - 1) });
  }
  return out;
}
