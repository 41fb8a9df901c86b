import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config.js';
import { WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { connectClient } from '../../core/temporal/client.js';
import { table } from '../output.js';

export const usage = 'list [--limit N] [--json]';

export async function listCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { limit: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } } });
  const { client, close } = await connectClient(loadConfig());
  try {
    const rows: { runId: string; pipeline: string; status: string; started: string }[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) {
      rows.push({
        runId: wf.workflowId,
        pipeline: String((await wf.memo)?.pipeline ?? ''),
        status: wf.status.name,
        started: wf.startTime.toISOString(),
      });
      if (rows.length >= Number(values.limit)) break;
    }
    if (values.json) console.log(JSON.stringify(rows));
    else console.log(table([['RUN', 'PIPELINE', 'STATUS', 'STARTED'], ...rows.map((r) => [r.runId, r.pipeline, r.status, r.started])]));
    return 0;
  } finally {
    await close();
  }
}
