import type { z } from 'zod';
import type { Device } from '../workflow-safe/queues.js';
import type { OutputRef } from '../workflow-safe/plan.js';
import type { AnyStepKind } from './step-kind.js';

export interface StepHandle {
  readonly id: string;
  out(output: string): OutputRef;
}

export type StepInputs = Record<string, OutputRef | OutputRef[] | undefined>;

/** What a pipeline's `build` function sees: it declares steps and wires outputs to inputs. */
export interface PipelineBuilder {
  step(id: string, kind: string, options?: unknown, inputs?: StepInputs): StepHandle;
  /** Where GPU steps run: `cuda`, `metal`, `auto` (GPU if a GPU worker polls, else CPU) or `cpu`. */
  device(device: Device): void;
}

export interface PipelineDefinition<P extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  /** Param schema with defaults. Unknown params are rejected (the object is made strict). */
  params: P;
  /**
   * The pipeline writes a user's source file to the store as it is, without a PII scrub (a
   * `read-jsonl` load, a `validate` without `scrub`), and says so. The run report shows it; an
   * undeclared raw store is a note that asks for a scrub or this flag (core/dsl/stores-raw.ts).
   */
  storesRaw?: boolean;
  /** Step kinds this pipeline brings beside the built-in ones. */
  steps?: AnyStepKind[];
  build(p: PipelineBuilder, params: z.output<P>): void;
}

/** Identity with types: `export default definePipeline({...})` in `pipelines/<name>.ts`. */
export function definePipeline<P extends z.ZodObject>(definition: PipelineDefinition<P>): PipelineDefinition<P> {
  return definition;
}

/** The params a caller may pass (defaults make fields optional), for the typed client. */
export type PipelineParams<D> = D extends PipelineDefinition<infer P> ? z.input<P> : never;
