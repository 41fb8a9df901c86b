import type { GpuFamily } from '../../core/workflow-safe/queues.js';
import type { TrainHyper } from './hyper.js';

/**
 * What the parent tells the llamacpp trainer child, and the pure schedule functions both sides use
 * (the child to train, tests and resume logic to predict).
 */
/** The hyperparameters as the train step resolved them (hyper.ts), less the hf backend's own. */
export interface LlamacppJob extends Omit<TrainHyper, 'hf'> {
  baseModel: string;
  /** JSONL of `{text}` lines, one rendered example each. */
  examplesFile: string;
  validFile?: string;
  outputModel: string;
  checkpointDir: string;
  resume?: { checkpoint: string; step: number };
  /** The llama.cpp build to load and offload to (the worker's GPU family); undefined: CPU. */
  gpu: GpuFamily | undefined;
}

export interface LlamacppResult {
  steps: number;
  stepsThisAttempt: number;
  nCtx: number;
  tokens: number;
  tokensPerSec: number;
  seconds: number;
  epochs: { epoch: number; trainLoss: number; validLoss: number | null }[];
}

/** Learning rate at `step` (0-based): linear warm-up, then constant, cosine or linear decay to the minimum. */
export function learningRate(job: Pick<LlamacppJob, 'learningRate' | 'minLearningRate' | 'schedule' | 'warmupSteps'>, step: number, totalSteps: number): number {
  const { learningRate: lr, minLearningRate: min, warmupSteps } = job;
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  if (job.schedule === 'constant') return lr;
  const span = Math.max(1, totalSteps - warmupSteps);
  const t = Math.min(1, (step - warmupSteps) / span);
  return job.schedule === 'linear' ? lr + (min - lr) * t : min + (lr - min) * 0.5 * (1 + Math.cos(Math.PI * t));
}

/** A seeded Fisher-Yates order of `n` windows: the same seed gives the same order on every attempt. */
export function shuffledOrder(n: number, seed: number): number[] {
  const order = [...Array(n).keys()];
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
