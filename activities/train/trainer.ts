import type { GpuHardware } from '../../core/hardware.js';
import type { TrainHyper } from './hyper.js';

export type { HfOptions, TrainHyper } from './hyper.js';

/**
 * One interface over the training backends. A backend gets a job (base model, rendered examples,
 * where to write) and hooks (progress, checkpoints, cancellation) and returns what it did; the
 * `train` step owns everything around it (records, artifacts, heartbeats, resume, metadata).
 */
export type BackendName = 'llamacpp' | 'hf';

export interface TrainJob {
  /** llamacpp: a GGUF path; hf: a Hugging Face model folder (or id, where the host may download). */
  baseModel: string;
  /** hf, with a GGUF base: the folder where its dequantized Hugging Face copy is kept (made once per base digest). */
  ggufBaseCache?: string;
  /** JSONL, one `{prompt, response, text}` per example (`text` = prompt + response). */
  examplesFile: string;
  validFile?: string;
  workDir: string;
  outputModel: string;
  checkpointDir: string;
  resume?: { checkpoint: string; step: number };
  hyper: TrainHyper;
  /** The worker's GPU: the trainer runs on it, holding one of its devices; undefined: CPU. */
  gpu: GpuHardware | undefined;
}

export interface TrainProgressLine {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  tokensPerSec: number;
  etaSec: number;
}

export interface TrainHooks {
  signal: AbortSignal;
  onStart?(info: Record<string, unknown>): void;
  /** A phase before the first step (loading or converting the base), for the heartbeat's message. */
  onStatus?(message: string): void;
  onStep(p: TrainProgressLine): void;
  onEpoch?(e: { epoch: number; trainLoss: number; validLoss: number | null }): void;
  /** A checkpoint file exists at `path` after `step` steps; the step keeps it for a retried attempt. */
  onCheckpoint(c: { path: string; step: number }): void;
  /** On a GPU worker: the device (CUDA index) the trainer was pinned to. */
  onDevice?(device: string): void;
}

/** A trainer's progress line (both backends print the same kinds) to its hook. */
export function toHooks(hooks: TrainHooks, msg: Record<string, unknown>): void {
  if (msg.kind === 'step') hooks.onStep(msg as unknown as TrainProgressLine);
  else if (msg.kind === 'epoch') hooks.onEpoch?.(msg as unknown as { epoch: number; trainLoss: number; validLoss: number | null });
  else if (msg.kind === 'checkpoint') hooks.onCheckpoint({ path: String(msg.path), step: Number(msg.step) });
  else if (msg.kind === 'start') hooks.onStart?.(msg);
  else if (msg.kind === 'status') hooks.onStatus?.(String(msg.message));
}

export interface TrainOutcome {
  steps: number;
  stepsThisAttempt: number;
  tokensPerSec: number;
  seconds: number;
  epochs: { epoch: number; trainLoss: number; validLoss: number | null }[];
  /** Anything backend-specific worth keeping in the report. */
  details?: Record<string, unknown>;
}

export interface Trainer {
  name: BackendName;
  train(job: TrainJob, hooks: TrainHooks): Promise<TrainOutcome>;
}
