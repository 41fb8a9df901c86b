import { z } from 'zod';

/**
 * The run input as zod: `{"pipeline": "<name>", "params": {...}, "options": {...}}`. Its TypeScript
 * type, RunPipelineInput in core/workflow-safe/run-state.ts, is read off this schema with a type-only
 * import, so workflow code stays free of zod at run time.
 */
export const runOptionsSchema = z
  .object({
    cache: z.boolean().optional().describe('false recomputes every step'),
    maxParallel: z.number().int().positive().optional().describe('steps that may run at once'),
  })
  .strict();

export const runPipelineInputSchema = z
  .object({
    pipeline: z.string().min(1),
    params: z.record(z.string(), z.unknown()).optional(),
    options: runOptionsSchema.optional(),
  })
  .strict();

/** The input schema for one pipeline: `pipeline` fixed to its name and `params` to its schema. */
export function workflowInputSchema(name: string, params: z.ZodObject): unknown {
  return z.toJSONSchema(
    z.object({ pipeline: z.literal(name), params: params.strict().optional(), options: runOptionsSchema.optional() }).strict(),
    { io: 'input' },
  );
}
