import { parseArgs } from 'node:util';
import { runWorkers } from '../../../workers/start-workers.js';
import { loadConfig } from '../../config.js';
import { ALL_QUEUES, CPU_QUEUE } from '../../queues.js';
import { PipelineError } from '../../errors.js';

export const usage = 'worker [--queues forgeline,gpu-cuda,...]';

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { queues: { type: 'string' } } });
  const queues = values.queues ? values.queues.split(',').map((q) => q.trim()).filter(Boolean) : [CPU_QUEUE];
  const unknown = queues.filter((q) => !ALL_QUEUES.includes(q));
  if (unknown.length > 0) throw new PipelineError('CONFIG', `unknown queue(s) ${unknown.join(', ')}; queues: ${ALL_QUEUES.join(', ')}`);
  await runWorkers(loadConfig(), { queues });
  return 0;
}
