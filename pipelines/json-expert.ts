import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_001_004_RATIOS } from './parts/split-ratios.js';

/**
 * Seed 001: a JSON specialist. Five task families with the seed's weights (schema_generate 40%,
 * json_repair 20% with DPO pairs, text_to_json 20%, json_transform 10%, json_style_strict 10%),
 * ajv-checked, split 90/5/5 (seed 001, line 248: `split_dataset(input_file, train_ratio=0.9,
 * valid_ratio=0.05)`), trained, exported and scored on JSON validity, schema validity and
 * exact match.
 */
export default definePipeline({
  name: 'json-expert',
  description: 'Seed 001: JSON task families -> validate -> score (ajv) -> dedup -> 90/5/5 split -> train -> GGUF -> evaluate',
  // The sample file is stored as validated, unscrubbed: curated task examples, not a user's data.
  storesRaw: true,
  params: z.object({
    examples: z.number().int().positive().default(2000).describe('examples to generate (the seed suggests 5,000-10,000)'),
    provider: z.enum(['template', 'anthropic', 'local']).default('template'),
    sample: z.string().default('data/json-expert/sample.jsonl').describe('hand-written examples added to the generated ones'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const generated = p.step('generate', 'generate', { provider: params.provider, preset: 'json-expert', count: params.examples, seed: params.seed });
    const sample = p.step('sample', 'validate', { path: params.sample });
    const all = p.step('combine', 'concat', {}, { parts: [sample.out('records'), generated.out('records')] });
    const valid = p.step('validate', 'validate', {}, { records: all.out('records') });
    const scored = p.step('score', 'score', {}, { records: valid.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['task', 'input', 'output'] }, { records: scored.out('records') });
    const split = p.step('split', 'split', { ratios: SEED_001_004_RATIOS, fields: ['task', 'input'], stratifyBy: 'task', seed: params.seed }, { records: unique.out('records'), index: unique.out('index') });
    const base = baseModel(p, params.baseModel, params.seed);
    const { trained, quantized, evaluation, parity, promotion } = trainEvaluatePromote(p, params, {
      phase: 'json',
      name: 'json-expert',
      base,
      data: split.out('train'),
      valid: split.out('valid'),
      test: split.out('test'),
      metrics: ['json_valid', 'schema_valid', 'exact_match'],
      primary: 'test.json_valid',
      maxTokens: 96,
    });
    p.step(
      'report',
      'report',
      { title: 'json-expert' },
      { evals: [evaluation.out('report')], curves: [trained.out('progress')], reports: [scored.out('report'), split.out('report'), quantized[0]!.out('report'), parity.out('report'), promotion.out('decision')] },
    );
  },
});
