import { childScript, runChild } from '../../models/child-runner.js';
import type { LlamacppJob, LlamacppResult } from '../llamacpp-plan.js';
import type { TrainHooks, TrainJob, TrainOutcome, Trainer, TrainProgressLine } from '../trainer.js';

/** Full-parameter training inside llama.cpp (no Python), in a child process that cancellation kills. */
export const llamacppTrainer: Trainer = {
  name: 'llamacpp',
  async train(job: TrainJob, hooks: TrainHooks): Promise<TrainOutcome> {
    const h = job.hyper;
    const req: LlamacppJob = {
      baseModel: job.baseModel,
      examplesFile: job.examplesFile,
      ...(job.validFile ? { validFile: job.validFile } : {}),
      outputModel: job.outputModel,
      checkpointDir: job.checkpointDir,
      ...(job.resume ? { resume: job.resume } : {}),
      epochs: h.epochs,
      contextSize: h.contextSize,
      learningRate: h.learningRate,
      minLearningRate: h.minLearningRate,
      schedule: h.schedule,
      warmupSteps: h.warmupSteps,
      weightDecay: h.weightDecay,
      optimizer: h.optimizer,
      checkpointEvery: h.checkpointEvery,
      validFraction: h.validFraction,
      ...(h.trainTensors ? { trainTensors: h.trainTensors } : {}),
      seed: h.seed,
      threads: h.threads,
      gpu: job.gpu,
    };
    const r = await runChild<LlamacppResult>(childScript(import.meta.url, '../child/llamacpp-child.js'), req, {
      label: 'llamacpp trainer',
      signal: hooks.signal,
      onProgress(p) {
        if (p.kind === 'step') hooks.onStep(p as unknown as TrainProgressLine);
        else if (p.kind === 'epoch') hooks.onEpoch?.(p as unknown as { epoch: number; trainLoss: number; validLoss: number | null });
        else if (p.kind === 'checkpoint') hooks.onCheckpoint({ path: String(p.path), step: Number(p.step) });
        else if (p.kind === 'start') hooks.onStart?.(p);
      },
    });
    return {
      steps: r.steps,
      stepsThisAttempt: r.stepsThisAttempt,
      tokensPerSec: r.tokensPerSec,
      seconds: r.seconds,
      epochs: r.epochs,
      details: { contextSize: r.nCtx, tokens: r.tokens },
    };
  },
};
