import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readJsonArtifact, writeJsonArtifact } from '../../core/stage/records-io.js';
import { applyGate, gateRule, type GateDecision } from './gate.js';
import type { EvalReport } from './result.js';

/**
 * The promotion gate: applies the pipeline's rules to an evaluation and says `promoted` or
 * `not promoted`, with the reasons and the primary metric's `verdict` (scores, delta and its
 * paired interval), in its metadata (and so in the run's result and the CLI's last lines) and in a
 * `promotion` report. Not promoting is an outcome, not a failure: the run still ends (and still
 * reports), unless `haltIfNotPromoted` ends it there so that no later step (a registry push) runs.
 */
export const promoteStep = defineStep({
  kind: 'promote',
  description: 'Promotion gate: promote the tuned model, or not, by rules over its evaluation against the base model',
  module: import.meta.url,
  inputs: { evals: { kind: 'report', many: true } },
  outputs: { decision: 'report' },
  options: z
    .object({
      rules: z.array(gateRule).min(1),
      /** Which evaluation to judge when several are given (one per phase); default the last one. */
      phase: z.string().optional(),
      haltIfNotPromoted: z.boolean().default(false),
    })
    .strict(),
  async run(ctx, inputs, options) {
    const reports: EvalReport[] = [];
    for (const ref of inputs.evals) {
      const r = await readJsonArtifact<EvalReport>(ctx.store, ref);
      if (r.schema !== 'eval') throw new PipelineError('INVALID_INPUT_DATA', `promote: input ${ref.uri} is a "${String(r.schema)}" report, not an "eval" report`);
      reports.push(r);
    }
    const report = options.phase ? reports.find((r) => r.phase === options.phase) : reports[reports.length - 1];
    if (!report) {
      throw new PipelineError('INVALID_STEP_OPTIONS', `promote: no evaluation for phase "${options.phase}" (have: ${reports.map((r) => r.phase).join(', ')})`, [
        { path: 'options.phase', message: 'no such phase among the inputs' },
      ]);
    }
    const decision: GateDecision = applyGate(report, options.rules);
    const ref = await writeJsonArtifact(ctx.store, { schema: 'promotion', ...decision, model: report.models.tuned.model }, 'report', 'promotion');
    ctx.log.info({ decision: decision.decision, phase: decision.phase }, 'promotion gate');
    return {
      outputs: { decision: ref },
      metadata: {
        decision: decision.decision,
        phase: decision.phase,
        reasons: decision.reasons,
        ...(decision.verdict ? { verdict: decision.verdict } : {}),
        model: report.models.tuned.model.sha256,
      },
      ...(decision.decision === 'not promoted' && options.haltIfNotPromoted ? { halt: { reason: `model not promoted: ${decision.reasons.join('; ')}` } } : {}),
    };
  },
});
