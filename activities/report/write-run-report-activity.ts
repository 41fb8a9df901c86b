import fs from 'node:fs/promises';
import { cacheKey } from '../../core/cache/step-cache.js';
import { codeVersion } from '../../core/cache/code-version.js';
import type { RunReport, RunState } from '../../core/workflow-safe/run-state.js';
import { readJsonArtifact } from '../../core/stage/records-io.js';
import type { ActivityDeps } from '../deps.js';
import { ggufType } from '../eval/gguf-type.js';
import { renderReport } from './html.js';
import { assembleReport, SECTIONS_STEP_KIND } from './run-report.js';
import type { ReportSections } from './sections.js';

export interface WriteRunReportInput {
  runId: string;
  /** The run's final state: its status is what the report says. */
  state: RunState;
}

/** The cache identity of the finisher, as a step kind's: its name and its code. */
const KIND = 'run-report';
let version: string | undefined;

/**
 * The workflow-level finisher: when a run ends (succeeded, rejected, skipped, failed or cancelled)
 * the workflow calls this once with the final state, so every run has a report, with or without
 * report steps. Cached like a step: key = its code version + the final state + the sections'
 * digests, so a retried activity (or the same state again) reuses the stored report.
 */
export function createReportActivities(deps: ActivityDeps) {
  return {
    async writeRunReport(input: WriteRunReportInput): Promise<RunReport> {
      const sectionRefs = input.state.steps
        .filter((s) => s.kind === SECTIONS_STEP_KIND && s.outputs.sections && (s.status === 'succeeded' || s.status === 'cached'))
        .map((s) => s.outputs.sections!);
      version ??= codeVersion(import.meta.url);
      const key = cacheKey({ kind: KIND, version, options: { runId: input.runId, state: input.state }, inputs: { sections: sectionRefs } });
      const hit = await deps.cache.lookup(key);
      if (hit?.outputs.html) return { html: hit.outputs.html, status: 'cached' };
      const sections = await Promise.all(sectionRefs.map((ref) => readJsonArtifact<ReportSections>(deps.store, ref)));
      const html = renderReport(assembleReport(input.runId, input.state, sections, new Date().toISOString(), await fileTypesOf(deps, input.state, sections)));
      const w = await deps.store.writer('.html');
      // A failed write (a full disk) leaves no temp file.
      await fs.writeFile(w.path, html).catch(async (err: unknown) => {
        await w.abort();
        throw err;
      });
      const ref = await w.commit({ kind: 'report', schema: 'html' });
      await deps.cache.save(key, { outputs: { html: ref }, metadata: {} });
      return { html: ref, status: 'succeeded' };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;

/** Each GGUF model's type from its header (a weights tar or a missing file has none). */
async function fileTypesOf(deps: ActivityDeps, state: RunState, sections: ReportSections[]): Promise<Record<string, string>> {
  const refs = [...state.steps.flatMap((s) => Object.values(s.outputs)), ...sections.flatMap((s) => s.models)].filter((r) => r.kind === 'model');
  const types: Record<string, string> = {};
  for (const ref of refs) {
    if (types[ref.sha256]) continue;
    const type = await ggufType(await deps.store.localPath(ref)).catch(() => undefined);
    if (type) types[ref.sha256] = type;
  }
  return types;
}
