import type { z } from 'zod';
import type { Device } from '../workflow-safe/queues.js';
import type { OutputRef } from '../workflow-safe/plan.js';
import type { AnyStepKind } from './step-kind.js';

/**
 * The built-in step kinds by name, for types only. It is empty here and filled in by
 * activities/step-kinds.ts (declaration merging), so that core/ names no step kind yet `p.step`
 * checks every built-in kind's option and output names at compile time.
 */
export interface BuiltinStepKinds {}

/** The options a pipeline writes for a kind: its option schema's input (defaults may be left out). */
export type StepOptions<K> = K extends keyof BuiltinStepKinds ? (BuiltinStepKinds[K] extends { options: infer O extends z.ZodType } ? z.input<O> : never) : unknown;
/** The names of a kind's outputs, which `out()` accepts. */
export type StepOutputs<K> = K extends keyof BuiltinStepKinds ? (BuiltinStepKinds[K] extends { outputs: infer O } ? keyof O & string : never) : string;

export interface StepHandle<Out extends string = string> {
  readonly id: string;
  out(output: Out): OutputRef;
}

export type StepInputs = Record<string, OutputRef | OutputRef[] | undefined>;

/**
 * What a pipeline's `build` function sees: it declares steps and wires outputs to inputs. `Own`: the
 * names of the kinds the pipeline brings (`steps`); those are checked when the plan compiles.
 */
export interface PipelineBuilder<Own extends string = never> {
  step<K extends keyof BuiltinStepKinds | Own>(id: string, kind: K, options?: StepOptions<K>, inputs?: StepInputs): StepHandle<StepOutputs<K>>;
  /** Where GPU steps run: `cuda`, `metal`, `auto` (GPU if a GPU worker polls, else CPU) or `cpu`. */
  device(device: Device): void;
}

export interface PipelineDefinition<P extends z.ZodObject = z.ZodObject, S extends readonly AnyStepKind[] = readonly AnyStepKind[]> {
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
  steps?: S;
  build(p: PipelineBuilder<S[number]['kind']>, params: z.output<P>): void;
}

/** Identity with types: `export default definePipeline({...})` in `pipelines/<name>.ts`. */
export function definePipeline<P extends z.ZodObject, S extends readonly AnyStepKind[] = []>(definition: PipelineDefinition<P, S>): PipelineDefinition<P, S> {
  return definition;
}

/** The params a caller may pass (defaults make fields optional), for the typed client. */
export type PipelineParams<D> = D extends PipelineDefinition<infer P> ? z.input<P> : never;
