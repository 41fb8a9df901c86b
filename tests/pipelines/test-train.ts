import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import type { StepHandle } from '../../core/dsl/pipeline.js';
import { QUANT_TYPES } from '../../activities/models/quantize.js';

/**
 * Test pipeline for training: a tiny random model, a JSONL dataset, phases of `train` (each from
 * the previous phase's model, seed 002's curriculum in miniature) and a quantize step per type.
 */
export default definePipeline({
  name: 'test-train',
  description: 'test: tiny model, phased llamacpp training, quantization',
  params: z.object({
    data: z.string(),
    phases: z
      .array(z.object({ name: z.string(), epochs: z.number().int().positive(), learningRate: z.number().positive() }))
      .default([
        { name: 'calibration', epochs: 2, learningRate: 3e-3 },
        { name: 'reasoning', epochs: 1, learningRate: 1e-3 },
      ]),
    quantize: z.array(z.enum(QUANT_TYPES)).default([]),
    checkpointEvery: z.number().int().nonnegative().default(0),
    validFraction: z.number().min(0).max(0.5).default(0.1),
    layers: z.number().int().positive().default(1),
    device: z.enum(['auto', 'cpu', 'cuda', 'metal']).default('auto'),
    tag: z.string().default(''),
  }),
  build(p, params) {
    p.device(params.device);
    const base = p.step('base', 'tiny-model', { layers: params.layers, feedForward: 256, name: `test-tiny${params.tag}` });
    const data = p.step('data', 'read-jsonl', { path: params.data, schema: 'instruction' });
    let model: StepHandle = base;
    for (const phase of params.phases) {
      model = p.step(
        `train-${phase.name}`,
        'train',
        {
          phase: phase.name,
          epochs: phase.epochs,
          learningRate: phase.learningRate,
          checkpointEvery: params.checkpointEvery,
          validFraction: params.validFraction,
          threads: 2,
          license: 'Apache-2.0',
        },
        { model: model.out('model'), data: data.out('records') },
      );
    }
    for (const type of params.quantize) {
      p.step(`quantize-${type}`, 'quantize', { type, threads: 2, description: 'test model' }, { model: model.out('model'), data: data.out('records') });
    }
  },
});
