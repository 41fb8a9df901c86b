import { z } from 'zod';
import { parseDuration } from '../../core/workflow-safe/duration.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { APPROVAL_STEP_KIND } from '../../core/workflow-safe/run-state.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';

/** The decision the workflow hands to the step's activity once a person (or the timeout) answered. */
const decisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  decidedBy: z.enum(['signal', 'timeout']).optional(),
  by: z.string().optional(),
  at: z.string().optional(),
  note: z.string().optional(),
  prompt: z.string().optional(),
  onTimeout: z.enum(['approve', 'reject']).optional(),
  timeoutAt: z.string().optional(),
});

export const approvalOptions = z
  .object({
    prompt: z.string().min(1).default('approve to continue').describe('what the reviewer is asked (shown by `forgeline status` and the Web UI)'),
    timeout: z
      .string()
      .default('7d')
      .refine((t) => (parseDuration(t) ?? 0) > 0, { message: 'a duration such as 90s, 30m, 48h, 7d, 1h30m' })
      .describe('how long the run waits for a decision; a weekly retrain waits at most a week by default'),
    onTimeout: z.enum(['approve', 'reject']).default('reject').describe('the decision when nobody answers in time; reject is the safe default'),
    decision: decisionSchema.optional().describe('set by the workflow when the step is decided; never in a pipeline'),
  })
  .strict();

/**
 * A human approval gate (e.g. review of the red-team bucket before training, seed 002). The
 * workflow does the waiting (runPipeline's awaitApproval: an `approval` signal or the timeout);
 * this activity then only records the decision as a report and passes the reviewed records on,
 * or halts the run when the decision is reject.
 */
export const approvalStep = defineStep({
  kind: APPROVAL_STEP_KIND,
  description: 'Wait for a person to approve or reject (`forgeline approve|reject <run> <step>`); a timeout decides otherwise',
  module: import.meta.url,
  inputs: { records: { kind: 'records' } },
  outputs: { records: 'records', decision: 'report' },
  options: approvalOptions,
  timeouts: { startToCloseMs: 60_000 },
  async run(ctx, inputs, options) {
    const d = options.decision;
    if (!d) {
      throw new Error('approval steps are decided by the workflow; run them in a pipeline, not with `forgeline stage`');
    }
    const record = { step: ctx.stepId, runId: ctx.runId, prompt: options.prompt, ...d };
    const decision = await writeJsonArtifact(ctx.store, record, 'report', 'approval-decision');
    const metadata = { decision: d.decision, decidedBy: d.decidedBy ?? 'signal', by: d.by ?? '', at: d.at ?? '', records: inputs.records.records };
    if (d.decision === 'reject') {
      const who = d.decidedBy === 'timeout' ? 'the timeout' : (d.by ?? 'unknown');
      return { outputs: { records: inputs.records, decision }, metadata, halt: { reason: `approval_rejected: rejected by ${who}${d.note ? ` (${d.note})` : ''}` } };
    }
    return { outputs: { records: inputs.records, decision }, metadata };
  },
});
