import { hfOptions } from '../../activities/train/hyper.js';
import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PipelineError } from '../../core/errors.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import { llamacppTrainer } from '../../activities/train/backends/llamacpp.js';
import type { TrainHyper, TrainJob } from '../../activities/train/trainer.js';

/**
 * The bundled llama.cpp reserves an inference-sized graph, and a llama model deeper than 7 layers
 * does not fit its training graph when every tensor trains (the child aborts in ggml). The trainer
 * turns that abort into a non-retryable error with the way out, and the way out works.
 */
async function jobFor(layers: number, trainTensors?: string): Promise<TrainJob> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-depth-'));
  const baseModel = path.join(dir, 'base.gguf');
  await buildTinyModel(baseModel, { layers });
  const examplesFile = path.join(dir, 'examples.jsonl');
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ prompt: 'q: ', response: `answer ${i}`, text: `q: answer ${i} the cat walks far away today` }));
  await fs.writeFile(examplesFile, `${lines.join('\n')}\n`);
  const hyper: TrainHyper = {
    epochs: 1, learningRate: 1e-3, minLearningRate: 0, schedule: 'constant', warmupSteps: 0, weightDecay: 0, contextSize: 256, checkpointEvery: 0,
    validFraction: 0, seed: 1, threads: 2, optimizer: 'adamw', ...(trainTensors ? { trainTensors } : {}),
    hf: hfOptions.parse({ method: 'lora', loraR: 8, loraAlpha: 16, loraDropout: 0, targetModules: [], batchSize: 1, gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f16', dpoBeta: 0.1, python: 'python3' }),
  };
  return { baseModel, examplesFile, workDir: dir, outputModel: path.join(dir, 'out.gguf'), checkpointDir: dir, hyper, gpu: undefined };
}

const hooks = { signal: new AbortController().signal, onStep: () => undefined, onCheckpoint: () => undefined };

describe('llamacpp trainer and the depth the bundled llama.cpp can train', () => {
  it('an 8-layer model with every tensor training fails at once, not retryable, naming the depth and the hf backend', async () => {
    const err = await llamacppTrainer.train(await jobFor(8), hooks).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    const e = err as PipelineError;
    expect(e.code).toBe('INVALID_INPUT_DATA');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('this 8-layer base model');
    expect(e.message).toContain('hf backend');
    expect(e.message).toContain('trainTensors');
  }, 120_000);

  it('the same model trains when only its last block trains (trainTensors)', async () => {
    const job = await jobFor(8, 'blk\\.7\\.');
    const out = await llamacppTrainer.train(job, hooks);
    expect(out.steps).toBeGreaterThan(0);
    expect((await fs.stat(job.outputModel)).size).toBeGreaterThan(0);
  }, 120_000);
});
