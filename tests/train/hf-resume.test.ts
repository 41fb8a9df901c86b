import { hfOptions } from '../../activities/train/hyper.js';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256File } from '../../core/artifacts/hash.js';
import { defaultPython, hfTrainer } from '../../activities/train/backends/hf.js';
import type { TrainHyper, TrainJob } from '../../activities/train/trainer.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Issue 24, item 3: a trainer killed after a checkpoint and resumed from it must give the model an
 * uninterrupted run gives, bit for bit. The hf backend's checkpoint holds the trainable weights,
 * AdamW's moments, the scheduler and the RNG state (LoRA dropout draws from it; dropout is on here
 * so that the test sees it), and the data order is replayed from the seed.
 */
const python = defaultPython();
let dir: string;
let modelDir: string;
let examplesFile: string;

beforeAll(async () => {
  if (!existsSync(python)) throw new Error(`no hf venv at ${python}: run scripts/setup-hf.sh (npm test does)`);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-hf-resume-'));
  modelDir = path.join(dir, 'tiny-hf');
  execFileSync(python, [path.join(REPO_ROOT, 'python/make_tiny_hf_model.py'), modelDir], { stdio: 'pipe' });
  const rows = Array.from({ length: 24 }, (_, i) => ({ prompt: `Classify ${i}\n`, response: ['TLP:AMBER', 'TLP:GREEN', 'TLP:RED'][i % 3]! }));
  examplesFile = path.join(dir, 'examples.jsonl');
  await fs.writeFile(examplesFile, `${rows.map((r) => JSON.stringify({ ...r, text: r.prompt + r.response })).join('\n')}\n`);
}, 300_000);

const hyper: TrainHyper = {
  epochs: 2, learningRate: 5e-3, minLearningRate: 0, schedule: 'cosine', warmupSteps: 2, weightDecay: 0.01, contextSize: 64, checkpointEvery: 3,
  validFraction: 0, seed: 7, threads: 2, optimizer: 'adamw',
  hf: hfOptions.parse({ method: 'lora', loraR: 8, loraAlpha: 16, loraDropout: 0.2, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], batchSize: 4, gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f32', dpoBeta: 0.1, python }),
};

async function job(name: string, resume?: TrainJob['resume']): Promise<TrainJob> {
  const workDir = path.join(dir, name);
  await fs.mkdir(path.join(workDir, 'checkpoints'), { recursive: true });
  return { baseModel: modelDir, examplesFile, workDir, outputModel: path.join(workDir, 'model.gguf'), checkpointDir: path.join(workDir, 'checkpoints'), hyper, gpu: undefined, ...(resume ? { resume } : {}) };
}

describe('hf backend: resume', () => {
  it('a trainer SIGKILLed after its step-6 checkpoint and resumed from it gives the uninterrupted run\'s model, bit for bit', async () => {
    const quiet = { onStep: () => undefined, onCheckpoint: () => undefined };
    const whole = await job('whole');
    const outcome = await hfTrainer.train(whole, { signal: new AbortController().signal, ...quiet });
    expect(outcome.steps).toBe(12);

    // The same job, killed (SIGKILL, as a cancel or a dead worker does) once its step-6 checkpoint exists.
    const killedJob = await job('killed');
    const kill = new AbortController();
    let checkpoint: { path: string; step: number } | undefined;
    const killed = await hfTrainer
      .train(killedJob, { signal: kill.signal, onStep: () => undefined, onCheckpoint: (c) => { if (c.step === 6) { checkpoint = c; kill.abort(new Error('killed')); } } })
      .then(() => 'finished', () => 'killed');
    expect(killed).toBe('killed');
    expect(checkpoint?.step).toBe(6);
    expect(existsSync(killedJob.outputModel)).toBe(false);

    const resumed = await job('resumed', { checkpoint: checkpoint!.path, step: checkpoint!.step });
    const rest = await hfTrainer.train(resumed, { signal: new AbortController().signal, ...quiet });
    expect(rest.stepsThisAttempt).toBe(6);
    expect((await sha256File(resumed.outputModel)).sha256).toBe((await sha256File(whole.outputModel)).sha256);
  }, 900_000);
});
