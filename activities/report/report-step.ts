import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { readSections } from './sections.js';

/**
 * Adds sections to the run report. Every run gets its report from the workflow's finisher when it
 * ends (./write-run-report-activity.ts), with its final status, timings and every step's metadata; this step reads
 * the artifacts wired to it (evaluation and promotion reports, other stage reports, loss curves,
 * model files) into a `report-sections` artifact that the finisher renders. It depends only on its
 * inputs, so the step cache serves it like any other step.
 */
export const reportStep = defineStep({
  kind: 'report',
  description: 'Add sections to the run report: evaluations, stage reports, loss curves and model files (the report itself is written when the run ends)',
  module: import.meta.url,
  inputs: {
    evals: { kind: 'report', many: true, optional: true },
    reports: { kind: 'report', many: true, optional: true },
    /** Loss curves: the train step's `progress` (a JSON array of rows) or any JSONL of rows. */
    curves: { kind: 'report', many: true, optional: true },
    models: { kind: 'model', many: true, optional: true },
  },
  outputs: { sections: 'report' },
  options: z
    .object({
      /** The run report's title (the first report step's that sets one). */
      title: z.string().optional(),
    })
    .strict(),
  async run(ctx, inputs, options) {
    const sections = await readSections(ctx.store, inputs, options.title);
    const ref = await writeJsonArtifact(ctx.store, sections, 'report', 'report-sections');
    return {
      outputs: { sections: ref },
      metadata: { evals: sections.evals.length, reports: sections.reports.length, curves: sections.curves.length, models: sections.models.length },
    };
  },
});
