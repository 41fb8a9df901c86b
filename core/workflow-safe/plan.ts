import type { z } from 'zod';
import type { outputRefSchema, planSchema } from '../../schemas/plan.js';

/*
 * The plan's types are read off its zod schema (schemas/plan.ts), the one source of truth that also
 * publishes schemas/json/plan.schema.json. Type-only imports: the workflow bundle carries no zod.
 */

/** A reference to another step's output: the edges of the DAG. */
export type OutputRef = z.output<typeof outputRefSchema>;

/** The serializable result of compiling a pipeline with its params. */
export type Plan = z.output<typeof planSchema>;

/** One step of the plan; `activity` is filled at compile time from the step kind, the device and the polling workers. */
export type PlanStep = Plan['steps'][number];

/** How a sharded step runs (core/dsl/step-kind.ts `shardable`; workflows/sharded-step.ts): set when the step reads a shard manifest. */
export type PlanSharding = NonNullable<PlanStep['sharded']>;

/** Everything the workflow needs to schedule a step's activity without loading step code. */
export type PlanActivityOptions = PlanStep['activity'];

export function upstreamOf(step: PlanStep): string[] {
  const ids = new Set<string>();
  for (const ref of Object.values(step.inputs)) {
    for (const r of Array.isArray(ref) ? ref : [ref]) ids.add(r.step);
  }
  return [...ids];
}
