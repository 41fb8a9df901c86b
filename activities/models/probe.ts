import { runChild } from '../../native/job.js';
import type { ProbeRequest, ProbeResult } from './child/probe-child.js';
import { PipelineError } from '../../core/errors.js';

export type { ProbeResult };

/**
 * Which backend children ask node-llama-cpp for: the GPU worker sets `FORGELINE_GPU` (cuda, metal)
 * for its process; everywhere else llama.cpp runs on CPU.
 */
export function childGpu(): boolean {
  const gpu = process.env.FORGELINE_GPU;
  return gpu === 'cuda' || gpu === 'metal';
}

export interface ProbeOptions {
  prompt?: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

/**
 * Loads the model with node-llama-cpp in a child process and generates a few tokens greedily.
 * A file that fails to load, or loads and yields no token, is not a model: that throws.
 */
export async function probeModel(modelPath: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const req: ProbeRequest = { modelPath, prompt: options.prompt ?? 'The quick brown fox', maxTokens: options.maxTokens ?? 8, gpu: childGpu() };
  const result = await runChild<ProbeResult>(new URL('./child/probe-child.js', import.meta.url), req, {
    label: `loading ${modelPath} with node-llama-cpp`,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.generatedTokens < 1) throw new PipelineError('STEP_FAILED', `${modelPath} loaded but generated no token`);
  return result;
}
