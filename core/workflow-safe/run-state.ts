import type { z } from 'zod';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { runOptionsSchema, runPipelineInputSchema } from '../../schemas/workflow-input.js';

/** Shapes shared by the workflow, the client and the CLI. Pure types: safe inside workflow code. */
export type StepStatus = 'pending' | 'running' | 'waiting' | 'cached' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'rejected';
export type RunStatus = 'planning' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'rejected';

/** The built-in step kind whose waiting the workflow does itself (activities/gate/approval-step.ts runs its record-keeping). */
export const APPROVAL_STEP_KIND = 'approval';

/** What `forgeline approve|reject` sends (the `approval` signal, workflows/definitions.ts). */
export interface ApprovalDecision {
  step: string;
  decision: 'approve' | 'reject';
  /** Who decided (the CLI sends `--by`, else the OS user). */
  by: string;
  note?: string;
}

/** An approval step's state, shown by the `status` query, `forgeline status` and the Web UI. */
export interface ApprovalState {
  state: 'waiting' | 'approved' | 'rejected';
  prompt: string;
  onTimeout: 'approve' | 'reject';
  /** When the timeout decides (ISO time). */
  timeoutAt: string;
  /** `signal` (a person) or `timeout` (nobody answered in time). */
  decidedBy?: 'signal' | 'timeout';
  by?: string;
  at?: string;
  note?: string;
}

/** The workflow's input: one JSON object, so that the Temporal Web UI can start a run (schemas/workflow-input.ts). */
export type RunPipelineInput = z.output<typeof runPipelineInputSchema>;

/** `cache: false` recomputes every step (`--no-cache`); `maxParallel`: how many steps may run at once. */
export type RunOptions = z.output<typeof runOptionsSchema>;

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
  /** Only for approval steps. */
  approval?: ApprovalState;
}

/** The run report the workflow's finisher wrote when the run ended (activities/report/write-run-report-activity.ts). */
export interface RunReport {
  html: ArtifactRef;
  /** `cached`: the same final state was reported before, and that report was reused. */
  status: 'succeeded' | 'cached';
}

export interface RunState {
  pipeline: string;
  status: RunStatus;
  steps: StepState[];
  notes: string[];
  error?: string;
  haltReason?: string;
  /** Set once the run has ended and its report is written. */
  report?: RunReport;
}

/** The workflow's result (and what `forgeline run --json` prints, with the run id). */
export type RunResult = RunState;
