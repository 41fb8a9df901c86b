import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_000_RATIOS } from './parts/split-ratios.js';

/**
 * Seed 000: a Traffic Light Protocol classifier with reasoning. The level distribution is the
 * seed's (CLEAR 25, GREEN 20, AMBER 30, AMBER+STRICT 15, RED 10); labels outside the TLP set are
 * rejected by the score stage; the split keeps the label proportions and holds out 15% for test
 * (seed 000, line 423: "Hold out 10-20% of data"); evaluation reports accuracy, macro-F1 and the
 * confusion matrix. By default the model also trains on each record's `reasoning` (seed 000, line
 * 219: "Pro tip: Include `reasoning` field to help model learn *why* classifications are made"):
 * the answer it learns is the label, a blank line, then the reasoning. Evaluation stops generating
 * at a blank line, so the label metrics read the label alone, as for the base model.
 */
export default definePipeline({
  name: 'tlp-classifier',
  description: 'Seed 000: TLP levels with reasoning -> label check -> dedup -> stratified split (15% held out) -> train on label + reasoning -> GGUF -> classification metrics',
  // The sample file is stored as validated, unscrubbed: curated task examples, not a user's data.
  storesRaw: true,
  params: z.object({
    examples: z.number().int().positive().default(1000),
    provider: z.enum(['template', 'anthropic', 'local']).default('template'),
    sample: z.string().default('data/tlp-classifier/sample.jsonl'),
    fewShot: z.number().int().nonnegative().default(0).describe('train-split examples put before each test prompt (base and tuned alike)'),
    trainOnReasoning: z.boolean().default(true).describe('seed 000\'s pro tip: train on the label followed by the record\'s `reasoning` field'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const generated = p.step('generate', 'generate', { provider: params.provider, preset: 'tlp', count: params.examples, seed: params.seed });
    const sample = p.step('sample', 'validate', { path: params.sample });
    const all = p.step('combine', 'concat', {}, { parts: [sample.out('records'), generated.out('records')] });
    const valid = p.step('validate', 'validate', {}, { records: all.out('records') });
    const scored = p.step('score', 'score', {}, { records: valid.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['instruction', 'input'] }, { records: scored.out('records') });
    const split = p.step('split', 'split', { ratios: SEED_000_RATIOS, fields: ['input'], stratifyBy: 'output', seed: params.seed }, { records: unique.out('records'), index: unique.out('index') });
    const base = baseModel(p, params.baseModel, params.seed);
    const { trained, quantized, evaluation, parity, promotion } = trainEvaluatePromote(p, params, {
      phase: 'tlp',
      name: 'tlp-classifier',
      base,
      data: split.out('train'),
      valid: split.out('valid'),
      test: split.out('test'),
      metrics: ['classification', 'exact_match'],
      primary: 'test.accuracy',
      maxTokens: 12,
      evalTest: { labels: ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'], fewShot: params.fewShot },
      evalInputs: { fewshot: split.out('train') },
      ...(params.trainOnReasoning ? { train: { reasoningField: 'reasoning' } } : {}),
    });
    p.step(
      'report',
      'report',
      { title: 'tlp-classifier' },
      { evals: [evaluation.out('report')], curves: [trained.out('progress')], reports: [scored.out('report'), split.out('report'), quantized[0]!.out('report'), parity.out('report'), promotion.out('decision')] },
    );
  },
});
