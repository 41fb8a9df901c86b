import type { GpuHardware } from '../../core/hardware.js';
import { runChild } from '../../native/job.js';
import type { ProbeRequest, ProbeResult } from './child/probe-child.js';
import { PipelineError } from '../../core/errors.js';

export type { ProbeResult };

export interface ProbeOptions {
  prompt?: string;
  maxTokens?: number;
  signal?: AbortSignal;
  /** The worker's GPU (ctx.hardware.gpu): the child loads on it and holds one of its devices; undefined: CPU. */
  gpu?: GpuHardware | undefined;
}

/**
 * Loads the model with node-llama-cpp in a child process and generates a few tokens greedily.
 * A file that fails to load, or loads and yields no token, is not a model: that throws.
 */
export async function probeModel(modelPath: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const req: ProbeRequest = { modelPath, prompt: options.prompt ?? 'The quick brown fox', maxTokens: options.maxTokens ?? 8, gpu: options.gpu !== undefined };
  const result = await runChild<ProbeResult>(new URL('./child/probe-child.js', import.meta.url), req, {
    label: `loading ${modelPath} with node-llama-cpp`,
    gpu: options.gpu,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (result.generatedTokens < 1) throw new PipelineError('STEP_FAILED', `${modelPath} loaded but generated no token`);
  return result;
}
