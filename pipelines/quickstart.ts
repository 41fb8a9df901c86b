import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_001_004_RATIOS } from './parts/split-ratios.js';

/**
 * The README's first command runs this: the whole chain on two CPU cores in minutes, with no API key.
 * Templates generate JSON tasks (seed 001's five families with its weights, DPO pairs included), the
 * curation stages clean them, seed 001's 90/5/5 split holds out a test set of at least 50, a mix
 * picks the training examples, and the real base model (SmolLM2-135M-Instruct, the embedded
 * default) is LoRA-tuned on them in its own chat template, exported to Q8_0, evaluated against
 * itself untuned on the test split with paired 95% intervals, and promoted only if better.
 */
export default definePipeline({
  name: 'quickstart',
  description: 'Templates -> validate -> PII -> score -> dedup -> 90/5/5 split -> mix -> LoRA on SmolLM2-135M (CPU) -> GGUF Q8_0 -> evaluate vs base -> promote -> report',
  params: z.object({
    examples: z.number().int().positive().default(2400).describe('examples generated from templates; after dedup, seed 001\'s 5% test split holds at least 50'),
    mixTotal: z.number().int().positive().default(160).describe('training examples drawn from the mix (sized to train in a few minutes on 2 cores)'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const generated = p.step('generate', 'generate', { provider: 'template', preset: 'json-expert', count: params.examples, seed: params.seed });
    const valid = p.step('validate', 'validate', {}, { records: generated.out('records') });
    // Consistent fake names, not placeholders: a JSON task's records stay natural (docs/results.md).
    const scrubbed = p.step('pii', 'pii', { salt: 'quickstart', operator: 'pseudonym' }, { records: valid.out('records') });
    const scored = p.step('score', 'score', {}, { records: scrubbed.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['task', 'input', 'output'] }, { records: scored.out('records') });
    // Seed 001: "90/5/5 train/valid/test".
    const split = p.step('split', 'split', { ratios: SEED_001_004_RATIOS, fields: ['task', 'input'], seed: params.seed, stratifyBy: 'task' }, { records: unique.out('records'), index: unique.out('index') });
    const manifest = p.step('analyze', 'analyze', { field: 'task' }, { records: split.out('train') });
    const mix = p.step('mix', 'mix', { total: params.mixTotal, seed: params.seed }, { manifest: manifest.out('manifest') });
    const base = baseModel(p, params.baseModel, params.seed);
    const { trained, quantized, evaluation, parity, promotion } = trainEvaluatePromote(p, params, {
      phase: 'quickstart',
      name: 'forgeline-quickstart',
      base,
      data: mix.out('records'),
      valid: split.out('valid'),
      test: split.out('test'),
      metrics: ['json_valid', 'exact_match', 'rouge_l'],
      // Seed 001's first validation: the answer parses as JSON. Exact match is scored beside it; on
      // 160 examples and one epoch the tuned model learns the format well before the exact values
      // (docs/results.md).
      primary: 'test.json_valid',
      maxTokens: 96,
      // Four examples a step and no accumulation: 40 optimizer steps over 160 examples.
      train: { hf: { batchSize: 4, gradientAccumulation: 1 } },
    });
    p.step(
      'report',
      'report',
      { title: 'Forgeline quickstart' },
      {
        evals: [evaluation.out('report')],
        curves: [trained.out('progress')],
        reports: [scrubbed.out('report'), scored.out('report'), split.out('report'), mix.out('report'), quantized[0]!.out('report'), trained.out('report'), parity.out('report'), promotion.out('decision')],
        models: [trained.out('model'), quantized[0]!.out('model')],
      },
    );
  },
});
