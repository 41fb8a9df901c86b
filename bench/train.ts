import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildTinyModel } from '../activities/models/tiny-model.js';
import { llamacppTrainer } from '../activities/train/backends/llamacpp.js';
import type { TrainHyper } from '../activities/train/trainer.js';

/**
 * `npm run bench -- train [--layers 2 --embedding 256 --ff 512 --examples 60 --epochs 1 --ctx 256 --threads 2]`
 * Tokens/s of the llamacpp backend (llama_opt_epoch through koffi in a child process) on CPU for the
 * tiny model, on a generated instruction dataset. Prints the loss curve's ends too.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      layers: { type: 'string', default: '2' },
      embedding: { type: 'string', default: '256' },
      ff: { type: 'string', default: '512' },
      examples: { type: 'string', default: '60' },
      epochs: { type: 'string', default: '1' },
      ctx: { type: 'string', default: '256' },
      threads: { type: 'string', default: '2' },
      lr: { type: 'string', default: '1e-3' },
    },
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-train-'));
  try {
    const base = path.join(dir, 'base.gguf');
    const info = await buildTinyModel(base, { layers: Number(values.layers), embedding: Number(values.embedding), feedForward: Number(values.ff) });
    const who = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher'];
    const lines: string[] = [];
    for (let i = 0; i < Number(values.examples); i++) {
      const prompt = `### Instruction:\nWhat does ${who[i % 5]} do?\n\n### Response:\n`;
      const response = `${who[i % 5]} likes ${who[(i + 2) % 5]} and walks ${i % 7} miles.`;
      lines.push(JSON.stringify({ prompt, response, text: prompt + response }));
    }
    const examples = path.join(dir, 'examples.jsonl');
    await fs.writeFile(examples, `${lines.join('\n')}\n`);
    const hyper: TrainHyper = {
      epochs: Number(values.epochs), learningRate: Number(values.lr), minLearningRate: 0, schedule: 'constant', warmupSteps: 0, weightDecay: 0,
      contextSize: Number(values.ctx), checkpointEvery: 0, validFraction: 0, seed: 1, threads: Number(values.threads), optimizer: 'adamw',
      hf: { method: 'lora', loraR: 16, loraAlpha: 32, loraDropout: 0, targetModules: [], batchSize: 1, gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f16', python: 'python3' },
    };
    const losses: number[] = [];
    const t0 = performance.now();
    const out = await llamacppTrainer.train(
      { baseModel: base, examplesFile: examples, workDir: dir, outputModel: path.join(dir, 'out.gguf'), checkpointDir: dir, hyper, gpu: false },
      { signal: new AbortController().signal, onStep: (p) => losses.push(p.loss), onCheckpoint: () => undefined },
    );
    const wall = (performance.now() - t0) / 1000;
    console.log(`model: ${info.parameters.toLocaleString()} parameters (${values.layers} layers, embedding ${values.embedding}, ff ${values.ff}); ctx ${String(out.details?.contextSize)}; threads ${values.threads}; cores ${os.availableParallelism()}; load ${os.loadavg()[0]!.toFixed(1)}`);
    console.log(`steps ${out.steps}, tokens trained ${out.steps * Number(out.details?.contextSize)}, training ${out.seconds.toFixed(1)} s, wall incl. child start and tokenization ${wall.toFixed(1)} s`);
    console.log(`tokens/s (training loop): ${out.tokensPerSec}`);
    console.log(`loss: first step ${losses[0]?.toFixed(3)}, last step ${losses[losses.length - 1]?.toFixed(3)}`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
