import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LlamaEngine } from '../../activities/eval/llm/engine.js';
import { EMBEDDED_BASE_MODEL_PATH } from '../../activities/models/base-model.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';

/**
 * The llama.cpp engine on a real (tiny, random) GGUF model: log-likelihoods match a by-hand log
 * softmax over the full logits, batched scoring gives the same numbers as one-by-one, perplexity
 * windows and generation work (on the real base too: the same texts as LlamaCompletion), and a crash of the child is an error, not a dead test process.
 */
let dir: string;
let model: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-engine-'));
  model = path.join(dir, 'tiny.gguf');
  await buildTinyModel(model, { seed: 7 });
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const ITEMS = [
  { context: 'Question: Which colour is the sky?\nAnswer:', continuation: ' blue' },
  { context: 'Question: Which colour is the sky?\nAnswer:', continuation: ' green' },
  { context: 'Question: Which colour is the sky?\nAnswer: ', continuation: 'blue' },
  { context: 'Tom has 3 apples.', continuation: ' He eats one.' },
  { context: 'x', continuation: 'yz' },
  { context: 'The end', continuation: '.' },
];

describe('llama.cpp evaluation engine (child process)', () => {
  it('on a GPU worker the engine’s child is pinned to one of its devices, as every native child is (evaluate runs on the GPU queue)', async () => {
    // What a GPU worker hands its steps (workers/gpu.ts); llama.cpp itself stays on the CPU build here (gpu: false).
    const hardware = { gpu: { family: 'cuda' as const, devices: ['3'] } };
    const engine = await LlamaEngine.open(model, { sequences: 1, contextSize: 256, gpu: false, threads: 2, hardware });
    try {
      // Observed from the child: its CUDA_VISIBLE_DEVICES.
      expect(engine.info?.device).toBe('3');
    } finally {
      await engine.close();
    }
    const unpinned = await LlamaEngine.open(model, { sequences: 1, contextSize: 256, gpu: false, threads: 2 });
    await unpinned.close();
    expect(unpinned.info?.device ?? null).toBe(process.env.CUDA_VISIBLE_DEVICES ?? null);
  });

  it('batched log-likelihoods equal one-by-one, and equal a by-hand log softmax', async () => {
    const one = await LlamaEngine.open(model, { sequences: 1, contextSize: 256, gpu: false, threads: 2 });
    const many = await LlamaEngine.open(model, { sequences: 4, contextSize: 256, gpu: false, threads: 2 });
    try {
      const a = await one.loglik(ITEMS);
      const b = await many.loglik(ITEMS);
      expect(b.map((r) => r.tokens)).toEqual(a.map((r) => r.tokens));
      b.forEach((r, i) => expect(r.loglik).toBeCloseTo(a[i]!.loglik, 3));
      for (const r of a) {
        expect(r.tokens).toBeGreaterThan(0);
        // A random 320-token model is near uniform: about -ln(320) = -5.77 per token, never positive.
        expect(r.loglik).toBeLessThan(0);
        expect(r.loglik / r.tokens).toBeGreaterThan(-8);
        expect(r.loglik / r.tokens).toBeLessThan(-4);
      }
      // Trailing context spaces move to the continuation (lm-eval): "Answer: " + "blue" is "Answer:" + " blue".
      expect(a[2]!.tokens).toBe(a[0]!.tokens);
      expect(a[2]!.loglik).toBeCloseTo(a[0]!.loglik, 6);
      const byHand = await referenceLoglik(model, ITEMS[3]!.context, ITEMS[3]!.continuation);
      expect(a[3]!.loglik).toBeCloseTo(byHand, 3);
    } finally {
      await one.close();
      await many.close();
    }
  });

  it('rolling windows are scored with their whole context: a by-hand log softmax over the same windows agrees', async () => {
    // A node-llama-cpp sequence holds contextSize - 1 tokens; a window of contextSize made it drop
    // its first 100 tokens and evaluate the rest again, so the last positions lost that context.
    const e = await LlamaEngine.open(model, { sequences: 1, contextSize: 256, gpu: false, threads: 2 });
    try {
      const text = 'The quick brown fox jumps over the lazy dog. '.repeat(12);
      const [r] = await e.rolling([{ text }]);
      const byHand = await referenceRolling(model, text, 255);
      expect(r!.tokens).toBe(byHand.tokens);
      expect(Math.abs(r!.loglik - byHand.loglik)).toBeLessThan(0.05);
    } finally {
      await e.close();
    }
  });

  it('rolling perplexity covers every token across windows; generation is greedy and repeatable', async () => {
    const e = await LlamaEngine.open(model, { sequences: 2, contextSize: 256, gpu: false, threads: 2 });
    try {
      const text = 'The quick brown fox jumps over the lazy dog. '.repeat(12);
      const [r] = await e.rolling([{ text }]);
      expect(r!.bytes).toBe(Buffer.byteLength(text));
      // More tokens than one 256-token window holds: several windows, every token scored once.
      expect(r!.tokens).toBeGreaterThan(256);
      expect(Math.exp(-r!.loglik / r!.tokens)).toBeGreaterThan(50);
      const g1 = await e.generate([{ prompt: 'Hello', maxTokens: 5, stop: [] }, { prompt: 'World', maxTokens: 5, stop: [] }]);
      const g2 = await e.generate([{ prompt: 'World', maxTokens: 5, stop: [] }, { prompt: 'Hello', maxTokens: 5, stop: [] }]);
      expect(g1[0]!.tokens).toBeGreaterThan(0);
      expect(g2[1]!.text).toBe(g1[0]!.text);
      expect(g2[0]!.text).toBe(g1[1]!.text);
    } finally {
      await e.close();
    }
  });

  // The real base: a random model's near-uniform logits make greedy paths turn on rounding, which a
  // batch of other sequences changes; a trained model's do not (the same texts, 8 prompts x 16 tokens).
  it('generation in lock-step over more prompts than sequences gives what LlamaCompletion gives one prompt at a time, cut before a stop string as it cuts', async () => {
    const prompts = ['Hello', 'World', 'The sky is', 'Tom has 3 apples.', 'x', 'Once upon a time', 'Question: 2 + 2 =', 'The end'];
    const reference = await referenceCompletions(EMBEDDED_BASE_MODEL_PATH, prompts, 16);
    // A stop string taken from the middle of each reference text: the engine must end there.
    const stops = reference.map((r) => (r.length >= 8 ? r.slice(4, 7) : ''));
    const e = await LlamaEngine.open(EMBEDDED_BASE_MODEL_PATH, { sequences: 3, contextSize: 256, gpu: false, threads: 2 });
    try {
      const plain = await e.generate(prompts.map((prompt) => ({ prompt, maxTokens: 16, stop: [] })));
      expect(plain.map((r) => r.text)).toEqual(reference);
      for (const r of plain) expect(r.tokens).toBeLessThanOrEqual(16);
      expect(plain.some((r) => r.tokens === 16)).toBe(true);
      const cut = await e.generate(prompts.map((prompt, i) => ({ prompt, maxTokens: 16, stop: stops[i] ? [stops[i]!] : [] })));
      expect(cut.map((r) => r.text)).toEqual(reference.map((r, i) => (stops[i] ? r.slice(0, r.indexOf(stops[i]!)) : r)));
      expect(stops.filter(Boolean).length).toBeGreaterThan(2);
    } finally {
      await e.close();
    }
  }, 600_000);

  it('a file that is not GGUF, or a truncated model, is a clear error, not a dead or hung process', async () => {
    const bad = path.join(dir, 'bad.gguf');
    await fs.writeFile(bad, Buffer.from('GGUF not really a model'));
    await expect(LlamaEngine.open(bad, { sequences: 1, gpu: false })).rejects.toThrow(`${bad}: not a GGUF v2/v3 model file`);
    const truncated = path.join(dir, 'truncated.gguf');
    await fs.writeFile(truncated, (await fs.readFile(model)).subarray(0, 100_000));
    await expect(LlamaEngine.open(truncated, { sequences: 1, gpu: false })).rejects.toThrow(`llama.cpp (${truncated})`);
  });
});

/** log P(continuation | context) from the full logits, computed here rather than by the engine. */
async function referenceLoglik(modelPath: string, context: string, continuation: string): Promise<number> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const m = await llama.loadModel({ modelPath });
  const ctx = await m.createContext({ contextSize: 256, sequences: 1, threads: 2 });
  try {
    const seq = ctx.getSequence();
    const tok = (s: string) => m.tokenize(s, false, 'trimLeadingSpace');
    const ctxTokens = tok(context);
    const cont = tok(context + continuation).slice(ctxTokens.length);
    const tokens = [m.tokens.bos!, ...ctxTokens, ...cont];
    const first = 1 + ctxTokens.length;
    const out = await seq.controlledEvaluate(tokens.slice(0, -1).map((t, i) => (i >= first - 1 ? [t, { generateNext: { logits: true } }] : t)));
    let ll = 0;
    for (let pos = first - 1; pos < tokens.length - 1; pos++) {
      const logits = [...out[pos]!.next.logits!.values()];
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
      ll += out[pos]!.next.logits!.get(tokens[pos + 1]!)! - lse;
    }
    return ll;
  } finally {
    await ctx.dispose();
    await m.dispose();
    await llama.dispose();
  }
}

/** Greedy completions by node-llama-cpp's own LlamaCompletion, one prompt at a time on one sequence, tokenized as the engine does. */
async function referenceCompletions(modelPath: string, prompts: string[], maxTokens: number): Promise<string[]> {
  const { getLlama, LlamaCompletion } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const m = await llama.loadModel({ modelPath });
  const ctx = await m.createContext({ contextSize: 256, sequences: 1, threads: 2 });
  try {
    const seq = ctx.getSequence();
    const bos = m.tokens.shouldPrependBosToken ? m.tokens.bos : null;
    const texts: string[] = [];
    for (const prompt of prompts) {
      const tokens = m.tokenize(prompt, false, bos !== null ? 'trimLeadingSpace' : undefined);
      const completion = new LlamaCompletion({ contextSequence: seq });
      texts.push(await completion.generateCompletion(bos !== null ? [bos, ...tokens] : tokens, { maxTokens, temperature: 0 }));
      completion.dispose();
    }
    return texts;
  } finally {
    await ctx.dispose();
    await m.dispose();
    await llama.dispose();
  }
}

/** Rolling log-likelihood by hand: disjoint windows of `window` tokens, each in a fresh context, full logits. */
async function referenceRolling(modelPath: string, text: string, window: number): Promise<{ loglik: number; tokens: number }> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false });
  const m = await llama.loadModel({ modelPath });
  const ctx = await m.createContext({ contextSize: 256, sequences: 1, threads: 2 });
  try {
    const seq = ctx.getSequence();
    const all = [m.tokens.bos!, ...m.tokenize(text, false, 'trimLeadingSpace')];
    let loglik = 0;
    let tokens = 0;
    for (let start = 1; start < all.length; start += window - 1) {
      const w = all.slice(start - 1, Math.min(all.length, start + window - 1));
      await seq.eraseContextTokenRanges([{ start: 0, end: seq.nextTokenIndex }]);
      const out = await seq.controlledEvaluate(w.slice(0, -1).map((t) => [t, { generateNext: { logits: true } }]));
      for (let pos = 0; pos < w.length - 1; pos++) {
        const logits = [...out[pos]!.next.logits!.values()];
        const max = Math.max(...logits);
        const lse = max + Math.log(logits.reduce((a, l) => a + Math.exp(l - max), 0));
        loglik += out[pos]!.next.logits!.get(w[pos + 1]!)! - lse;
        tokens++;
      }
    }
    return { loglik, tokens };
  } finally {
    await ctx.dispose();
    await m.dispose();
    await llama.dispose();
  }
}
