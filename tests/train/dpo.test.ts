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
      hf: hfOptions.parse({ method: 'lora', loraR: 8, loraAlpha: 16, loraDropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], batchSize: 4, gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f16', dpoBeta: 0.1, dpoLearningRateFactor: 0.5, rpoAlpha: 0, python }),
    };
    // rpoAlpha 0: the DPO part alone, whose fall this test checks (a tiny random model's NLL, about
    // log 320 a token, would drown it); the NLL term is checked on its own below.
    const epochs: { epoch: number; dpoLoss?: number }[] = [];
    const rates: number[] = [];
    let start: Record<string, unknown> = {};
    const out = await hfTrainer.train(
      { baseModel: modelDir, examplesFile, workDir: dir, outputModel: path.join(dir, 'out.gguf'), checkpointDir: dir, hyper, gpu: undefined },
      { signal: new AbortController().signal, onStep: (st) => rates.push(st.lr), onCheckpoint: () => undefined, onStart: (s) => (start = s), onEpoch: (e) => epochs.push(e as never) },
    );
    expect(start).toMatchObject({ examples: 8, preferencePairs: 8 });
    // 2 instruction batches + 2 preference batches per epoch, one optimizer step each.
    expect(out.steps).toBe(4 * 4);
    // Preference steps (the last two of each epoch) take dpoLearningRateFactor of the rate.
    expect(rates).toEqual(Array.from({ length: 4 }, () => [5e-3, 5e-3, 2.5e-3, 2.5e-3]).flat());
    expect(epochs).toHaveLength(4);
    const dpo = epochs.map((e) => e.dpoLoss!);
    expect(dpo.every((x) => Number.isFinite(x))).toBe(true);
    expect(dpo[dpo.length - 1]!).toBeLessThan(Math.log(2) - 0.01);
    expect(dpo[dpo.length - 1]!).toBeLessThan(dpo[0]!);
    expect((await fs.stat(path.join(dir, 'out.gguf'))).size).toBeGreaterThan(0);
  }, 600_000);

  it("adds rpo_alpha times the chosen answers' token-mean NLL to the DPO loss (TRL's rpo_alpha)", () => {
    // Fixed next-token log-probabilities from two stand-in models (policy and reference), and the
    // loss python/hf_train.py computes from them against the formula written out here.
    const script = `
import math, sys, torch
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, 'python'))})
import hf_train
class Fixed(torch.nn.Module):
    def __init__(self, bias):
        super().__init__()
        self.bias = torch.tensor(bias)
    def forward(self, input_ids, attention_mask):
        return type('Out', (), {'logits': self.bias.expand(*input_ids.shape, 3).clone()})()
policy, reference = Fixed([0.0, 1.0, 2.0]), Fixed([2.0, 1.0, 0.0])
# one pair: the chosen row labels token 2 twice, the rejected row token 0 once
b = {'input_ids': torch.zeros(2, 3, dtype=torch.long), 'attention_mask': torch.ones(2, 3, dtype=torch.long),
     'labels': torch.tensor([[-100, 2, 2], [-100, 0, -100]])}
lp = torch.log_softmax(torch.tensor([0.0, 1.0, 2.0]), -1)
lr = torch.log_softmax(torch.tensor([2.0, 1.0, 0.0]), -1)
margin = 0.1 * ((2 * lp[2] - 2 * lr[2]) - (lp[0] - lr[0]))
dpo = -torch.nn.functional.logsigmoid(margin)
loss, part = hf_train.dpo_loss(policy, b, 0.1, 0.5, reference)
print(abs(part.item() - dpo.item()) < 1e-6, abs(loss.item() - (dpo.item() + 0.5 * -lp[2].item())) < 1e-6)
`;
    expect(execFileSync(python, ['-c', script], { encoding: 'utf8' }).trim().split('\n').pop()).toBe('True True');
  }, 120_000);
});

