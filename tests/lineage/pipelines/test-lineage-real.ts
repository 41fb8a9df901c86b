import { z } from 'zod';
import { definePipeline } from '../../../core/dsl/pipeline.js';

/**
 * The built-in steps the registry and the lineage tree depend on, on a tiny model: templates
 * generate data (no API), `validate` curates it and reads a user file by path, `load-model`
 * imports the base GGUF, `train` (with a registry `name`) fine-tunes it, `quantize` makes a Q4_K_M
 * file, `evaluate` scores it against the base, the `promote` gate decides, and `load-manifest`
 * reads a bucket manifest and its files.
 */
export default definePipeline({
  name: 'test-lineage-real',
  description: 'test: the lineage of the real generate, validate, load-model, train, quantize, evaluate, promote and load-manifest steps',
  params: z.object({ input: z.string(), baseModel: z.string(), manifest: z.string(), name: z.string().default('lineage-real') }),
  build(p, params) {
    const generated = p.step('generate', 'generate', { provider: 'template', preset: 'json-expert', count: 16, seed: 11 });
    const curated = p.step('curate', 'validate', {}, { records: generated.out('records') });
    const heldOut = p.step('held-out', 'validate', { path: params.input });
    const base = p.step('base', 'load-model', { path: params.baseModel });
    const trained = p.step(
      'train',
      'train',
      { phase: 'lineage', epochs: 1, learningRate: 1e-3, contextSize: 256, checkpointEvery: 0, threads: 2, name: params.name },
      { model: base.out('model'), data: curated.out('records'), valid: heldOut.out('records') },
    );
    // `data` only stamps the training data's digest into the model card: the file is converted, not trained.
    const q4 = p.step('quantize', 'quantize', { type: 'Q4_K_M', threads: 2, probeTokens: 2 }, { model: trained.out('model'), data: curated.out('records') });
    const evaluation = p.step(
      'evaluate',
      'evaluate',
      { phase: 'lineage', test: { metrics: ['exact_match'], limit: 2, maxTokens: 4 }, engine: { sequences: 2, contextSize: 512, threads: 2, gpu: 'cpu' } },
      { tuned: q4.out('model'), base: base.out('model'), test: heldOut.out('records') },
    );
    p.step('promote', 'promote', { rules: [{ rule: 'threshold', metric: 'test.exact_match', min: 0 }] }, { evals: [evaluation.out('report')] });
    p.step('manifest', 'load-manifest', { path: params.manifest });
  },
});
