import type { Token } from 'node-llama-cpp';
import { serveChild } from '../../../native/job.js';

export interface ProbeRequest {
  modelPath: string;
  prompt: string;
  maxTokens: number;
  gpu: boolean;
}

export interface ProbeResult {
  text: string;
  /** Tokens generated (at least one means the model really ran). */
  generatedTokens: number;
  promptTokens: number;
  loadMs: number;
  generateMs: number;
  /** What node-llama-cpp read back from the file. */
  trainContextSize: number;
}

/** Loads a GGUF with node-llama-cpp and generates greedily: the proof that a model file works. */
serveChild<ProbeRequest, ProbeResult>(async (req) => {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: req.gpu ? 'auto' : false });
  const t0 = Date.now();
  const model = await llama.loadModel({ modelPath: req.modelPath });
  const loadMs = Date.now() - t0;
  // One thread per core: node-llama-cpp's default (llama.maxThreads) oversubscribes a small host.
  const context = await model.createContext({ contextSize: Math.min(1024, model.trainContextSize), threads: llama.cpuMathCores });
  const sequence = context.getSequence();
  const prompt = model.tokenize(req.prompt);
  const generated: Token[] = [];
  const t1 = Date.now();
  // Greedy, token by token, through the sequence itself: a random model may pick end-of-text at
  // once, and the probe must still see that the weights produce tokens.
  for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
    generated.push(token);
    if (generated.length >= req.maxTokens) break;
  }
  const generateMs = Date.now() - t1;
  const result: ProbeResult = {
    text: model.detokenize(generated),
    generatedTokens: generated.length,
    promptTokens: prompt.length,
    loadMs,
    generateMs,
    trainContextSize: model.trainContextSize,
  };
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  return result;
});
