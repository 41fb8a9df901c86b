import type { ArtifactRef } from './artifacts/ref.js';

/** Shapes shared by the workflow, the client and the CLI. Pure types: safe inside workflow code. */
export type StepStatus = 'pending' | 'running' | 'cached' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'planning' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** The workflow's input: one JSON object, so that the Temporal Web UI can start a run. */
export interface RunPipelineInput {
  pipeline: string;
  params?: Record<string, unknown>;
  options?: RunOptions;
}

export interface RunOptions {
  /** false recomputes every step (`--no-cache`). */
  cache?: boolean;
  /** How many steps may run at once. */
  maxParallel?: number;
}

export const DEFAULT_MAX_PARALLEL = 32;

export interface StepState {
  id: string;
  kind: string;
  status: StepStatus;
  taskQueue: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  error?: string;
}

export interface RunState {
  pipeline: string;
  status: RunStatus;
  steps: StepState[];
  notes: string[];
  error?: string;
  haltReason?: string;
}

/** The workflow's result (and what `forgeline run --json` prints, with the run id). */
export type RunResult = RunState;
