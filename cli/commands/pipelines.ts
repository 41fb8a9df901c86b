import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../../core/config.js';
import { loadPipelines, getPipeline } from '../../core/registry/pipelines.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { workflowInputSchema } from '../../schemas/workflow-input.js';

export const usage = 'pipelines [--json] [--json-schema <name>] [--example <name>]';

/** Lists pipelines with their param JSON Schemas, or prints one pipeline's workflow-input schema. */
export async function pipelinesCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, 'json-schema': { type: 'string' }, example: { type: 'string' } } });
  const pipelines = await loadPipelines(loadConfig().pipelineDirs);
  if (values['json-schema']) {
    const def = getPipeline(pipelines, values['json-schema']);
    console.log(JSON.stringify(workflowInputSchema(def.name, def.params), null, 2));
    return 0;
  }
  if (values.example) {
    // What to paste into the Web UI's "Start Workflow" form (docs/triggers.md).
    const def = getPipeline(pipelines, values.example);
    console.log(JSON.stringify({ workflowType: WORKFLOW_TYPE, taskQueue: CPU_QUEUE, input: { pipeline: def.name, params: exampleParams(def.params) } }, null, 2));
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

/** Every param with its default; a required param without one gets a `<type>` placeholder. */
export function exampleParams(params: z.ZodObject): Record<string, unknown> {
  const schema = z.toJSONSchema(params.strict(), { io: 'input' }) as { properties?: Record<string, { default?: unknown; type?: string }>; required?: string[] };
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) out[key] = prop.default;
    else if (schema.required?.includes(key)) out[key] = `<${prop.type ?? 'value'}>`;
  }
  return out;
}
