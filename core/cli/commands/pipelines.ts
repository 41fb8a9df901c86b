import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../config.js';
import { loadPipelines, getPipeline } from '../../registry/pipelines.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../queues.js';
import { workflowInputSchema } from '../../../schemas/workflow-input.js';

export const usage = 'pipelines [--json] [--json-schema <name>]';

/** Lists pipelines with their param JSON Schemas, or prints one pipeline's workflow-input schema. */
export async function pipelinesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, 'json-schema': { type: 'string' } } });
  const pipelines = await loadPipelines(loadConfig().pipelineDirs);
  if (values['json-schema']) {
    const def = getPipeline(pipelines, values['json-schema']);
    console.log(JSON.stringify(workflowInputSchema(def.name, def.params), null, 2));
    return 0;
  }
  const list = [...pipelines.values()].map(({ definition: d, file }) => ({
    name: d.name,
    description: d.description,
    file,
    workflowType: WORKFLOW_TYPE,
    taskQueue: CPU_QUEUE,
    params: z.toJSONSchema(d.params.strict(), { io: 'input' }),
  }));
  if (values.json) console.log(JSON.stringify(list, null, 2));
  else for (const p of list) console.log(`${p.name.padEnd(24)} ${p.description}`);
  return 0;
}
