import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { TESTKIT_STEPS } from './testkit-steps.js';

/**
 * The quickstart's chain at the smallest size that still trains (tests/deploy/three-hosts.test.ts):
 * template generation, curation, a one-layer tiny model trained by llama.cpp, Q8_0, and evaluation
 * of tuned against base. `device: cuda` sends train, quantize and evaluate to the GPU queue.
 */
export default definePipeline({
  name: 'test-hosts',
  description: 'test: a 4 s hold beside generate -> validate -> pii -> score -> dedup -> split -> mix -> train a tiny model -> Q8_0 -> evaluate',
  params: z.object({
    /** Enough that generation lasts a second or more (a test kills its worker then); the mix trains on `trainOn` of them. */
    examples: z.number().int().positive().default(400),
    trainOn: z.number().int().positive().default(24),
    device: z.enum(['auto', 'cpu', 'cuda', 'metal']).default('cuda'),
    seed: z.number().int().nonnegative().default(7),
    /** A step on the CPU queue that runs this long beside the data steps: the test's worker kill lands in it for sure. */
    holdMs: z.number().int().nonnegative().default(4000),
  }),
  steps: TESTKIT_STEPS.map(anyStep),
  build(p, params) {
    p.device(params.device);
    p.step('hold', 'test-sleep', { ms: params.holdMs, label: 'hold' });
    const generated = p.step('generate', 'generate', { provider: 'template', preset: 'json-expert', count: params.examples, seed: params.seed });
    const valid = p.step('validate', 'validate', {}, { records: generated.out('records') });
    const scrubbed = p.step('pii', 'pii', { salt: 'test-hosts', operator: 'pseudonym' }, { records: valid.out('records') });
    const scored = p.step('score', 'score', {}, { records: scrubbed.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['task', 'input', 'output'] }, { records: scored.out('records') });
    const split = p.step('split', 'split', { ratios: [0.8, 0.1, 0.1], fields: ['task', 'input'], seed: params.seed }, { records: unique.out('records') });
    const manifest = p.step('analyze', 'analyze', { field: 'task' }, { records: split.out('train') });
    const mix = p.step('mix', 'mix', { total: params.trainOn, seed: params.seed }, { manifest: manifest.out('manifest') });
    const base = p.step('base-model', 'tiny-model', { layers: 1, embedding: 64, feedForward: 128, seed: params.seed });
    const trained = p.step(
      'train',
      'train',
      { backend: 'llamacpp', prompt: 'chat-template', epochs: 1, learningRate: 1e-3, contextSize: 64, checkpointEvery: 0, threads: 1 },
      { model: base.out('model'), data: mix.out('records') },
    );
    const q8 = p.step('quantize-q8_0', 'quantize', { type: 'Q8_0', threads: 1 }, { model: trained.out('model') });
    p.step(
      'evaluate',
      'evaluate',
      { engine: { threads: 1 }, test: { metrics: ['json_valid', 'exact_match'], limit: 2, maxTokens: 8, prompt: 'chat-template' } },
      { tuned: q8.out('model'), base: base.out('model'), test: split.out('test') },
    );
  },
});
