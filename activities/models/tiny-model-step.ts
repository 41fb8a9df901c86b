import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { buildTinyModel, TINY_MODEL_DEFAULTS } from './tiny-model.js';

const d = TINY_MODEL_DEFAULTS;

/** `tiny-model`: writes the random tiny llama GGUF into the store (quickstart and tests). */
export const tinyModelStep = defineStep({
  kind: 'tiny-model',
  description: 'Build a small randomly initialised llama GGUF (byte-fallback vocabulary, F32, K-quant friendly sizes)',
  module: import.meta.url,
  inputs: {},
  outputs: { model: 'model' },
  options: z
    .object({
      embedding: z.number().int().positive().multipleOf(32).default(d.embedding),
      layers: z.number().int().positive().max(64).default(d.layers),
      heads: z.number().int().positive().default(d.heads),
      kvHeads: z.number().int().positive().optional(),
      feedForward: z.number().int().positive().multipleOf(32).default(d.feedForward),
      contextLength: z.number().int().min(256).default(d.contextLength),
      vocabSize: z.number().int().min(260).max(65_536).default(d.vocabSize),
      seed: z.number().int().nonnegative().default(d.seed),
      name: z.string().min(1).default(d.name),
      description: z.string().default(d.description),
      license: z.string().default(d.license),
    })
    .strict(),
  async run(ctx, _inputs, options) {
    const w = await ctx.store.writer('.gguf');
    try {
      const info = await buildTinyModel(w.path, options);
      const model = await w.commit({ kind: 'model', schema: 'gguf' });
      return { outputs: { model }, metadata: { parameters: info.parameters, bytes: model.bytes, vocabSize: info.vocabSize, layers: info.layers } };
    } catch (err) {
      await w.abort();
      throw err;
    }
  },
});
