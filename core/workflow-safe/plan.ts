import type { Device, QueueProfile } from './queues.js';

/** A reference to another step's output: the edges of the DAG. */
export interface OutputRef {
  step: string;
  output: string;
}

export interface PlanStep {
  id: string;
  kind: string;
  options: unknown;
  inputs: Record<string, OutputRef | OutputRef[]>;
  profile: QueueProfile;
  /** Filled at compile time from the step kind, the pipeline's device and the polling workers. */
  activity: PlanActivityOptions;
  /** Set when the step reads a shard manifest: the workflow fans it out, one activity per shard. */
  sharded?: PlanSharding;
}

/** How a sharded step runs (core/dsl/step-kind.ts `shardable`; workflows/sharded-step.ts). */
export interface PlanSharding {
  /** The input that holds the manifest; each shard's activity gets one shard under this name. */
  input: string;
  /** Outputs that stay sharded: each is a manifest of the shards' outputs, in shard order. */
  outputs: string[];
}

/** Everything the workflow needs to schedule a step's activity without loading step code. */
export interface PlanActivityOptions {
  taskQueue: string;
  startToCloseMs: number;
  heartbeatMs: number;
  retry: { maximumAttempts: number; initialIntervalMs: number; backoffCoefficient: number; maximumIntervalMs: number };
}

/** The serializable result of compiling a pipeline with its params; its JSON Schema is in schemas/. */
export interface Plan {
  pipeline: string;
  params: unknown;
  device: Device;
  steps: PlanStep[];
  /** Said when `device: auto` fell back to CPU, and the like. */
  notes: string[];
}

export function upstreamOf(step: PlanStep): string[] {
  const ids = new Set<string>();
  for (const ref of Object.values(step.inputs)) {
    for (const r of Array.isArray(ref) ? ref : [ref]) ids.add(r.step);
  }
  return [...ids];
}
