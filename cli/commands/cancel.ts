import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { connectClient } from '../../core/temporal/client.js';

export const usage = 'cancel <run-id>';

export async function cancelCommand(argv: string[]): Promise<number> {
  const runId = argv[0];
  if (!runId) throw new PipelineError('INVALID_PARAMS', `usage: forgeline ${usage}`);
  const { client, close } = await connectClient(loadConfig());
  try {
    await client.workflow.getHandle(runId).cancel();
    console.log(`cancel requested for ${runId}`);
    return 0;
  } finally {
    await close();
  }
}
