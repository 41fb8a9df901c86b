import { parseArgs } from 'node:util';
import { runWorkers } from '../../workers/start-workers.js';
import { detectGpus, gpuHardware } from '../../workers/gpu.js';
import { loadConfig } from '../../core/config.js';
import { ALL_QUEUES, CPU_QUEUE } from '../../core/workflow-safe/queues.js';
import { PipelineError } from '../../core/errors.js';

export const usage = 'worker [--queues forgeline,gpu-cuda,...] [--gpu cuda|metal|auto]';

export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { queues: { type: 'string' }, gpu: { type: 'string' } } });
  if (values.gpu !== undefined) {
    if (values.queues) throw new PipelineError('CONFIG', '--gpu chooses the queue itself; leave out --queues');
    // A GPU worker polls only its GPU queue and runs one job per device at a time.
    const plan = await detectGpus(values.gpu);
    for (const d of plan.devices) console.log(`gpu ${d.index}: ${d.name}, ${d.memoryMiB} MiB (${plan.family}, queue ${plan.queue}; ${plan.source})`);
    await runWorkers(loadConfig(), { queues: [plan.queue], maxConcurrentActivities: { [plan.queue]: plan.devices.length }, gpu: gpuHardware(plan) });
    return 0;
  }
  const queues = values.queues ? values.queues.split(',').map((q) => q.trim()).filter(Boolean) : [CPU_QUEUE];
  const unknown = queues.filter((q) => !ALL_QUEUES.includes(q));
  if (unknown.length > 0) throw new PipelineError('CONFIG', `unknown queue(s) ${unknown.join(', ')}; queues: ${ALL_QUEUES.join(', ')}`);
  await runWorkers(loadConfig(), { queues });
  return 0;
}
