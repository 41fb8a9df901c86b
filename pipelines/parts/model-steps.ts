import { z } from 'zod';
import type { PipelineBuilder, StepHandle } from '../../core/dsl/pipeline.js';

/** Params every training pipeline shares: where the base model comes from and how hard to train. */
export const trainingParams = {
  baseModel: z.string().optional().describe('GGUF file of the base model (F32 weights for the llamacpp trainer); unset: a tiny random model'),
  device: z.enum(['cuda', 'metal', 'auto', 'cpu']).default('auto').describe('where training, quantization and evaluation run'),
  epochs: z.number().int().positive().default(1),
  learningRate: z.number().positive().default(1e-3),
  contextSize: z.number().int().min(32).default(256),
  quantize: z.array(z.enum(['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0', 'F16'])).min(1).default(['Q4_K_M']).describe('GGUF files to export'),
  evalLimit: z.number().int().positive().default(16).describe('test examples to generate for'),
  seed: z.number().int().nonnegative().default(7),
  threads: z.number().int().nonnegative().default(0).describe('CPU threads for llama.cpp work (0: llama.cpp decides); 1 avoids thrashing when jobs share few cores'),
};

/** The base model step: the user's GGUF, or a tiny random llama model for tests and dev. */
export function baseModel(p: PipelineBuilder, path: string | undefined, seed: number): StepHandle {
  return path ? p.step('base-model', 'load-model', { path }) : p.step('base-model', 'tiny-model', { seed });
}

/** Quantizes a trained model to every listed type; returns the handles in the same order. */
export function quantizeAll(p: PipelineBuilder, model: StepHandle, types: readonly string[], name: string, threads = 0): StepHandle[] {
  return types.map((type) => p.step(`quantize-${type.toLowerCase()}`, 'quantize', { type, name, threads }, { model: model.out('model') }));
}
