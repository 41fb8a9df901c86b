import { hfOptions } from '../../activities/train/hyper.js';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultPython, hfTrainer } from '../../activities/train/backends/hf.js';
import type { TrainHyper } from '../../activities/train/trainer.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Preference pairs train through DPO (python/hf_train.py's dpo_loss, TRL's sigmoid loss) on a tiny
 * llama built here. DPO's loss is log 2 while the policy equals its reference and falls below it
 * only as the policy puts more probability on the chosen answer than the reference does, relative
 * to the rejected one: a loss under log 2 after training is the preference learnt.
 */
const python = defaultPython();
let dir: string;
let modelDir: string;

beforeAll(async () => {
  if (!existsSync(python)) throw new Error(`no hf venv at ${python}: run scripts/setup-hf.sh (npm test does)`);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-dpo-'));
  modelDir = path.join(dir, 'tiny-hf');
  execFileSync(python, [path.join(REPO_ROOT, 'python/make_tiny_hf_model.py'), modelDir], { stdio: 'pipe' });
}, 300_000);

describe('hf backend: preference pairs', () => {
  it('trains DPO pairs beside instruction examples, and the DPO loss falls below log 2', async () => {
    const rows = [
      ...Array.from({ length: 8 }, (_, i) => ({ prompt: `Fix: {"a":${i},}\n`, response: `{"a":${i}}`, rejected: `{"a":${i},}` })),
      ...Array.from({ length: 8 }, (_, i) => ({ prompt: `Copy ${i}\n`, response: `${i}` })),
    ].map((r) => JSON.stringify({ ...r, text: r.prompt + r.response }));
    const examplesFile = path.join(dir, 'examples.jsonl');
    await fs.writeFile(examplesFile, `${rows.join('\n')}\n`);
    const hyper: TrainHyper = {
      epochs: 4, learningRate: 5e-3, minLearningRate: 0, schedule: 'constant', warmupSteps: 0, weightDecay: 0, contextSize: 64, checkpointEvery: 0,
      validFraction: 0, seed: 1, threads: 2, optimizer: 'adamw',
      hf: hfOptions.parse({ method: 'lora', loraR: 8, loraAlpha: 16, loraDropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], batchSize: 4, gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f16', dpoBeta: 0.1, python }),
    };
    const epochs: { epoch: number; dpoLoss?: number }[] = [];
    let start: Record<string, unknown> = {};
    const out = await hfTrainer.train(
      { baseModel: modelDir, examplesFile, workDir: dir, outputModel: path.join(dir, 'out.gguf'), checkpointDir: dir, hyper, gpu: undefined },
      { signal: new AbortController().signal, onStep: () => undefined, onCheckpoint: () => undefined, onStart: (s) => (start = s), onEpoch: (e) => epochs.push(e as never) },
    );
    expect(start).toMatchObject({ examples: 8, preferencePairs: 8 });
    // 2 instruction batches + 2 preference batches per epoch, one optimizer step each.
    expect(out.steps).toBe(4 * 4);
    expect(epochs).toHaveLength(4);
    const dpo = epochs.map((e) => e.dpoLoss!);
    expect(dpo.every((x) => Number.isFinite(x))).toBe(true);
    expect(dpo[dpo.length - 1]!).toBeLessThan(Math.log(2) - 0.01);
    expect(dpo[dpo.length - 1]!).toBeLessThan(dpo[0]!);
    expect((await fs.stat(path.join(dir, 'out.gguf'))).size).toBeGreaterThan(0);
  }, 600_000);
});
