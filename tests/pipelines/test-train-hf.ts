import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';

/**
 * Test pipeline for the `hf` backend: a Hugging Face model folder the test builds, two LoRA phases
 * (the second starts from the first's merged weights), then Q8_0 from the converted GGUF.
 */
export default definePipeline({
  name: 'test-train-hf',
  description: 'test: hf backend, two LoRA phases chained by weights, GGUF conversion and quantization',
  params: z.object({
    data: z.string(),
    baseModel: z.string(),
    python: z.string(),
    checkpointEvery: z.number().int().nonnegative().default(0),
  }),
  build(p, params) {
    p.device('auto');
    const data = p.step('data', 'read-jsonl', { path: params.data, schema: 'instruction' });
    const hf = { python: params.python, method: 'lora' as const, loraR: 8, loraAlpha: 16, loraDropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], batchSize: 4, gradientAccumulation: 1, ggufOuttype: 'f32' as const };
    const common = { backend: 'hf' as const, epochs: 3, learningRate: 5e-3, schedule: 'constant' as const, contextSize: 128, validFraction: 0.1, threads: 1, checkpointEvery: params.checkpointEvery, hf };
    const first = p.step('train-1', 'train', { ...common, phase: 'one', baseModel: params.baseModel }, { data: data.out('records') });
    const second = p.step('train-2', 'train', { ...common, phase: 'two' }, { weights: first.out('weights'), data: data.out('records') });
    p.step('quantize', 'quantize', { type: 'Q8_0', threads: 1 }, { model: second.out('model'), data: data.out('records') });
  },
});
