import { hfOptions } from '../activities/train/hyper.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureEmbeddedBaseModel } from '../activities/models/base-model.js';
import { readGguf } from '../native/gguf-writer.js';
import { describeGguf } from '../activities/models/load-model-step.js';
import { buildTinyModel } from '../activities/models/tiny-model.js';
import { chatTemplateOf, type ChatTemplate } from '../activities/prompts/chat-template.js';
import { defaultPython, hfTrainer, HF_SCRIPT } from '../activities/train/backends/hf.js';
import { llamacppTrainer } from '../activities/train/backends/llamacpp.js';
import type { HfOptions, TrainHyper, TrainOutcome, Trainer } from '../activities/train/trainer.js';
import type { GpuHardware } from '../core/hardware.js';
import { detectGpus, gpuHardware } from '../workers/gpu.js';

/**
 * `npm run bench -- train [options]`: tokens/s of a training backend on a generated instruction
 * dataset, with the loss curve's ends.
 *
 * - `--backend llamacpp` (default): llama_opt_epoch through koffi in a child process, on the tiny
 *   GGUF of the given shape (`--layers 2 --embedding 256 --ff 512 --ctx 256 --threads 2`).
 * - `--backend hf`: python/hf_train.py (`--method lora|qlora|full`) on a randomly initialised llama
 *   folder of the given shape (`--embedding --layers --heads --kv-heads --ff --vocab`), e.g.
 *   SmolLM2-360M's with `--embedding 960 --layers 32 --heads 15 --kv-heads 5 --ff 2560 --vocab 49152`.
 * - `--gpu cuda|metal|auto` runs as a GPU worker would: the devices are detected and the trainer's
 *   child is pinned to one of them. Without it, llamacpp trains on CPU, and hf on whatever torch finds.
 * - `--backend hf --base smollm2` (or `--base <file.gguf>`): LoRA on a real GGUF base (the embedded
 *   SmolLM2-135M-Instruct), prompts in its chat template; in the same invocation a plain
 *   transformers + peft loop (bench/train_peft_reference.py) trains the same dequantized base on
 *   the same examples with the same batch, cut, LoRA and threads, and the ratio is printed.
 * - `--keep <file>` keeps the trained GGUF there.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: 'llamacpp' },
      gpu: { type: 'string' },
      method: { type: 'string', default: 'lora' },
      layers: { type: 'string', default: '2' },
      embedding: { type: 'string', default: '256' },
      heads: { type: 'string', default: '4' },
      'kv-heads': { type: 'string' },
      ff: { type: 'string', default: '512' },
      vocab: { type: 'string', default: '0' },
      examples: { type: 'string', default: '60' },
      epochs: { type: 'string', default: '1' },
      ctx: { type: 'string', default: '256' },
      batch: { type: 'string', default: '1' },
      threads: { type: 'string', default: '2' },
      lr: { type: 'string', default: '1e-3' },
      python: { type: 'string' },
      keep: { type: 'string' },
      base: { type: 'string' },
    },
  });
  const backend = values.backend;
  if (backend !== 'llamacpp' && backend !== 'hf') throw new Error(`--backend ${backend}: expected llamacpp or hf`);
  const method = values.method as HfOptions['method'];
  if (!['lora', 'qlora', 'full'].includes(method)) throw new Error(`--method ${method}: expected lora, qlora or full`);
  let device = 'cpu';
  let gpu: GpuHardware | undefined;
  if (values.gpu) {
    const plan = await detectGpus(values.gpu);
    gpu = gpuHardware(plan);
    device = `${plan.family} (${plan.devices.map((d) => `${d.index}: ${d.name}, ${d.memoryMiB} MiB`).join('; ')}; found by ${plan.source})`;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-train-'));
  try {
    const python = values.python ?? defaultPython();
    let shape: string;
    let base: string;
    let chat: ChatTemplate | undefined;
    const hfBase = path.join(dir, 'hf-base');
    if (backend === 'llamacpp') {
      base = path.join(dir, 'base.gguf');
      const info = await buildTinyModel(base, { layers: Number(values.layers), embedding: Number(values.embedding), feedForward: Number(values.ff) });
      shape = `${info.parameters.toLocaleString()} parameters (${values.layers} layers, embedding ${values.embedding}, ff ${values.ff})`;
    } else if (values.base) {
      base = values.base === 'smollm2' ? await ensureEmbeddedBaseModel((m) => console.log(m)) : path.resolve(values.base);
      const facts = describeGguf(await readGguf(base));
      shape = `${String(facts.name)}: ${Number(facts.parameters).toLocaleString()} parameters, ${JSON.stringify(facts.weightTypes)}`;
      chat = await chatTemplateOf(base);
    } else {
      base = path.join(dir, 'base-hf');
      const shapeArgs = ['--hidden', values.embedding, '--layers', values.layers, '--heads', values.heads, '--kv-heads', values['kv-heads'] ?? values.heads, '--intermediate', values.ff, '--vocab', values.vocab, '--max-positions', String(Math.max(256, Number(values.ctx)))];
      const made = execFileSync(python, [path.join(path.dirname(HF_SCRIPT), 'make_tiny_hf_model.py'), base, ...shapeArgs], { encoding: 'utf8' }).trim().split(/\s+/);
      shape = `${Number(made[made.length - 1]).toLocaleString()} parameters (hidden ${values.embedding}, ${values.layers} layers, heads ${values.heads}/${values['kv-heads'] ?? values.heads}, ff ${values.ff}, vocab ${values.vocab === '0' ? 320 : values.vocab})`;
    }
    const examples = path.join(dir, 'examples.jsonl');
    await fs.writeFile(examples, exampleLines(Number(values.examples), backend === 'hf' ? Number(values.ctx) : 0, chat));
    const hyper: TrainHyper = {
      epochs: Number(values.epochs), learningRate: Number(values.lr), minLearningRate: 0, schedule: 'constant', warmupSteps: 0, weightDecay: 0,
      contextSize: Number(values.ctx), checkpointEvery: 0, validFraction: 0, seed: 1, threads: Number(values.threads), optimizer: 'adamw',
      hf: hfOptions.parse({ method, loraR: 16, loraAlpha: 32, loraDropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], batchSize: Number(values.batch), gradientAccumulation: 1, useChatTemplate: false, ggufOuttype: 'f16', dpoBeta: 0.1, python }),
    };
    const trainer: Trainer = backend === 'hf' ? hfTrainer : llamacppTrainer;
    const losses: number[] = [];
    const stepAt: number[] = [];
    const t0 = performance.now();
    const out: TrainOutcome = await trainer.train(
      { baseModel: base, ggufBaseCache: hfBase, examplesFile: examples, workDir: dir, outputModel: path.join(dir, 'out.gguf'), checkpointDir: dir, hyper, gpu },
      { signal: new AbortController().signal, onStep: (p) => {
        losses.push(p.loss);
        stepAt.push(performance.now());
      }, onCheckpoint: () => undefined },
    );
    const wall = (performance.now() - t0) / 1000;
    const output = await fs.stat(path.join(dir, 'out.gguf'));
    if (values.keep) await fs.copyFile(path.join(dir, 'out.gguf'), values.keep);
    console.log(`backend ${backend}${backend === 'hf' ? ` (${method}, batch ${values.batch}, on ${String(out.details?.device)})` : ''}; device ${device}`);
    console.log(`model: ${shape}; ctx ${values.ctx}; threads ${values.threads}; cores ${os.availableParallelism()}; load ${os.loadavg()[0]!.toFixed(1)}`);
    console.log(`steps ${out.steps}, training ${out.seconds.toFixed(1)} s, wall incl. start, model load${backend === 'hf' ? ', merge and GGUF conversion' : ''} ${wall.toFixed(1)} s; output GGUF ${(output.size / 2 ** 20).toFixed(1)} MiB`);
    console.log(`tokens/s (training loop): ${out.tokensPerSec}; median step ${medianGap(stepAt).toFixed(0)} ms, first step ${(stepAt[0]! - t0).toFixed(0)} ms after the start`);
    console.log(`loss: first step ${losses[0]?.toFixed(3)}, last step ${losses[losses.length - 1]?.toFixed(3)}`);
    if (backend === 'hf' && values.base) {
      const peer = JSON.parse(
        execFileSync(python, [path.join(path.dirname(HF_SCRIPT), '..', 'bench', 'train_peft_reference.py'), hfBase, examples, values.batch, values.ctx, values.threads, String(out.steps)], { encoding: 'utf8' }).trim().split('\n').pop()!,
      ) as { tokensPerSec: number; seconds: number; firstLoss: number; lastLoss: number };
      console.log(`peer: plain transformers + peft loop, same base, data, batch, cut, LoRA and threads: ${peer.tokensPerSec} tokens/s over ${out.steps} steps (${peer.seconds} s; loss ${peer.firstLoss.toFixed(3)} -> ${peer.lastLoss.toFixed(3)})`);
      console.log(`ratio forgeline / peer tokens/s: ${(out.tokensPerSec / peer.tokensPerSec).toFixed(2)}; load ${os.loadavg()[0]!.toFixed(1)}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Median time between consecutive steps (the steady pace, without the first step's warm-up). */
function medianGap(at: number[]): number {
  const gaps = at.slice(1).map((t, i) => t - at[i]!).sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : NaN;
}

/**
 * Instruction examples in seed 003's format. `targetTokens` > 0 lengthens each response to about
 * that many tokens or more (hf batches are as long as their longest example, so a
 * throughput figure wants full-length rows); 0 keeps the short rows the llamacpp windows pack.
 */
function exampleLines(count: number, targetTokens: number, chat?: ChatTemplate): string {
  const who = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher'];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const question = `What does ${who[i % 5]} do?`;
    const prompt = chat ? chat.prompt([{ role: 'user', content: question }]) : `### Instruction:\n${question}\n\n### Response:\n`;
    let response = `${who[i % 5]} likes ${who[(i + 2) % 5]} and walks ${i % 7} miles.`;
    // The tiny tokenizer falls back to bytes on words outside its corpus, so a character is at most
    // one token; rows longer than ctx are cut there.
    for (let k = 1; response.length < targetTokens; k++) response += ` Then ${who[(i + k) % 5]} walks ${(i + k) % 9} miles.`;
    lines.push(JSON.stringify({ prompt, response, text: prompt + response }));
  }
  return `${lines.join('\n')}\n`;
}
