import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';

/**
 * The README's first command runs this: the whole chain on CPU in a few minutes, with nothing to
 * download. Templates generate JSON tasks (seed 001's families), the curation stages clean them, a
 * tiny random llama model is fine-tuned on the mix, exported to Q8_0 and evaluated against itself
 * untrained, and the run ends with an HTML report.
 */
export default definePipeline({
  name: 'quickstart',
  description: 'Templates -> validate -> PII -> score -> dedup -> split -> mix -> tiny model trained on CPU -> GGUF Q8_0 -> evaluate -> report',
  params: z.object({
    examples: z.number().int().positive().default(400).describe('examples generated from templates'),
    mixTotal: z.number().int().positive().default(80).describe('training examples drawn from the mix'),
    epochs: z.number().int().positive().default(1),
    learningRate: z.number().positive().default(1e-3),
    evalLimit: z.number().int().positive().default(8).describe('test examples the evaluation generates for'),
    seed: z.number().int().nonnegative().default(7),
  }),
  build(p, params) {
    p.device('auto');
    const generated = p.step('generate', 'generate', { provider: 'template', preset: 'json-expert', count: params.examples, seed: params.seed });
    const valid = p.step('validate', 'validate', {}, { records: generated.out('records') });
    const scrubbed = p.step('pii', 'pii', { salt: 'quickstart' }, { records: valid.out('records') });
    const scored = p.step('score', 'score', {}, { records: scrubbed.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['task', 'input', 'output'] }, { records: scored.out('records') });
    const split = p.step('split', 'split', { fields: ['task', 'input'], seed: params.seed, stratifyBy: 'task' }, { records: unique.out('records') });
    const manifest = p.step('analyze', 'analyze', { field: 'task' }, { records: split.out('train') });
    const mix = p.step('mix', 'mix', { total: params.mixTotal, seed: params.seed }, { manifest: manifest.out('manifest') });
    const base = p.step('base-model', 'tiny-model', { seed: params.seed });
    const trained = p.step(
      'train',
      'train',
      { backend: 'llamacpp', phase: 'quickstart', epochs: params.epochs, learningRate: params.learningRate, contextSize: 256, name: 'forgeline-quickstart' },
      { model: base.out('model'), data: mix.out('records'), valid: split.out('valid') },
    );
    const q8 = p.step('quantize', 'quantize', { type: 'Q8_0' }, { model: trained.out('model') });
    const evaluation = p.step(
      'evaluate',
      'evaluate',
      { phase: 'quickstart', test: { metrics: ['exact_match', 'json_valid', 'rouge_l', 'perplexity'], limit: params.evalLimit, maxTokens: 32 }, engine: { sequences: 4, contextSize: 1024, batchSize: 512, threads: 1, gpu: 'auto' } },
      { tuned: q8.out('model'), base: base.out('model'), test: split.out('test') },
    );
    p.step(
      'report',
      'report',
      { title: 'Forgeline quickstart' },
      {
        evals: [evaluation.out('report')],
        curves: [trained.out('progress')],
        reports: [scrubbed.out('report'), scored.out('report'), split.out('report'), mix.out('report'), q8.out('report'), trained.out('report')],
        models: [trained.out('model'), q8.out('model')],
      },
    );
  },
});
