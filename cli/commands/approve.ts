import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { decideApproval } from '../../core/client/runs.js';
import { PipelineError } from '../../core/errors.js';
import type { ApprovalDecision } from '../../core/workflow-safe/run-state.js';
import { connectClient } from '../../core/temporal/client.js';

export const approveUsage = 'approve <run-id> <step> [--note <text>] [--by <name>] [--json]';
export const rejectUsage = 'reject <run-id> <step> [--note <text>] [--by <name>] [--json]';

/** `forgeline approve|reject`: decides a waiting approval step (the `approval` signal). */
export function decisionCommand(decision: ApprovalDecision['decision']) {
  return async (argv: string[]): Promise<number> => {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { note: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const [runId, step] = positionals;
    if (!runId || !step) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${decision === 'approve' ? approveUsage : rejectUsage}`);
    const by = values.by ?? process.env.FORGELINE_USER ?? safeUser();
    const { client, close } = await connectClient(loadConfig());
    try {
      await decideApproval(client, runId, { step, decision, by, ...(values.note ? { note: values.note } : {}) });
      if (values.json) console.log(JSON.stringify({ runId, step, decision, by, note: values.note ?? null }));
      else console.log(`${decision === 'approve' ? 'approved' : 'rejected'} ${step} of ${runId} as ${by}; see \`npx forgeline status ${runId}\``);
      return 0;
    } finally {
      await close();
    }
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
