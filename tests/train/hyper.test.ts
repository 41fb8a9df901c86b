import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import { hfConfig, HF_SCRIPT } from '../../activities/train/backends/hf.js';
import { hfOptions, hyperOptions, resolveHyper } from '../../activities/train/hyper.js';
import { trainOptions } from '../../activities/train/train-step.js';
import type { TrainJob } from '../../activities/train/trainer.js';

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function job(options: Record<string, unknown>): TrainJob {
  const parsed = trainOptions.parse(options);
  const hyper = resolveHyper(parsed, parsed.backend);
  return { baseModel: '/m', examplesFile: '/e.jsonl', workDir: '/w', outputModel: '/o.gguf', checkpointDir: '/c', hyper, gpu: undefined };
}

describe('training hyperparameters, declared once', () => {
  it('every hyperparameter reaches python/hf_train.py under its snake_case name, with the value given', () => {
    const config = hfConfig(job({ backend: 'hf', contextSize: 96, trainTensors: 'blk', hf: { loraR: 4, dpoBeta: 0.3 } }));
    const names = [...Object.keys(hyperOptions.shape).filter((k) => k !== 'hf'), ...Object.keys(hfOptions.unwrap().shape).filter((k) => k !== 'python')];
    for (const name of names) expect(config).toHaveProperty(snake(name));
    expect(config).toMatchObject({ context_size: 96, train_tensors: 'blk', lora_r: 4, dpo_beta: 0.3, learning_rate: 2e-4, lora_alpha: 32 });
    expect(config).not.toHaveProperty('python');
  });

  it('the script reads only names that the config carries', () => {
    const config = hfConfig(job({ backend: 'hf' }));
    const read = new Set([...fs.readFileSync(HF_SCRIPT, 'utf8').matchAll(/cfg(?:\[|\.get\()"(\w+)"/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(20);
    for (const name of read) expect(Object.keys(config)).toContain(name);
  });

  it('the learning rate defaults per backend, and an explicit one wins', () => {
    expect(job({}).hyper.learningRate).toBe(1e-5);
    expect(job({ backend: 'hf' }).hyper.learningRate).toBe(2e-4);
    expect(job({ backend: 'hf', learningRate: 1e-3 }).hyper.learningRate).toBe(1e-3);
    expect(job({}).hyper).not.toHaveProperty('trainTensors');
  });
});
