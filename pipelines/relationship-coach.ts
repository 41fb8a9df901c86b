import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_001_004_RATIOS } from './parts/split-ratios.js';

/**
 * Seed 004: a relationship-coaching assistant retrained weekly. The PII checklist (names to
 * [User]/[Partner], emails, phones, addresses) applied as the data is read, before anything is
 * stored (seed 004: "All PII must be removed before storage"), quality score >= 7.0, near-duplicates at 0.85, a
 * 90/5/5 split, and a gate that trains only when >= 1000 new examples arrived since the last
 * successful run. Over the gate, the tuned model is evaluated against the base model and promoted
 * when its test perplexity is lower than the base model's with a paired 95% interval that excludes
 * zero (the `better` rule, by at least minPerplexityGain) and its ROUGE-L is at most 2 points lower
 * (both tunable below). Schedule it with:
 *   npx forgeline schedule create coach-weekly --pipeline relationship-coach --cron "0 3 * * 1"
 */
export default definePipeline({
  name: 'relationship-coach',
  description: 'Seed 004: validate + PII checklist before storage -> quality >= 7.0 -> near-dedup 0.85 -> 90/5/5 -> new-data gate (>= 1000) -> train -> GGUF -> evaluate -> promote',
  params: z.object({
    input: z.string().default('data/relationship-coach/sample.jsonl').describe('the week\'s processed data (JSONL, JSON array or Parquet)'),
    minNewExamples: z.number().int().nonnegative().default(1000).describe('seed 004: retrain weekly when >= 1000 new examples'),
    qualityThreshold: z.number().min(0).max(10).default(7.0).describe('seed 004: minimum quality score'),
    nearDuplicateThreshold: z.number().min(0).max(1).default(0.85).describe('seed 004: >85% similarity is a duplicate'),
    minPerplexityGain: z.number().nonnegative().default(0).describe('promotion: the tuned model\'s test perplexity must be at least this much below the base model\'s'),
    maxRougeDrop: z.number().nonnegative().default(2).describe('promotion: test ROUGE-L may fall at most this many points below the base model\'s'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    // Seed 004 (004_1bb05a38aa2272e7.txt line 24): "All PII must be removed before storage". The
    // user's file is validated and scrubbed in one step, so the first file written to the store
    // (records and rejects alike) is the scrubbed one; names become [User] / [Partner] by the
    // text's cues (line 289: "Names replaced with [User], [Partner]"; pii/roles.ts).
    const scrubbed = p.step('load', 'validate', { path: params.input, scrub: { salt: 'relationship-coach' } });
    const scored = p.step('score', 'score', { threshold: params.qualityThreshold }, { records: scrubbed.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['instruction', 'input', 'output'], threshold: params.nearDuplicateThreshold }, { records: scored.out('records') });
    const gate = p.step('new-data-gate', 'new-data-gate', { threshold: params.minNewExamples }, { records: unique.out('records') });
    // Seed 004, line 223: `--train-split 0.9 --val-split 0.05 --test-split 0.05`; line 57: the record's own quality_score >= 7.0 gates.
    const split = p.step('split', 'split', { ratios: SEED_001_004_RATIOS, fields: ['instruction', 'output'], stratifyBy: 'metadata.category', seed: params.seed }, { records: gate.out('records'), index: unique.out('index') });
    const base = baseModel(p, params.baseModel, params.seed);
    const { trained, quantized, evaluation, parity, promotion } = trainEvaluatePromote(p, params, {
      phase: 'weekly',
      name: 'relationship-coach',
      base,
      data: split.out('train'),
      valid: split.out('valid'),
      test: split.out('test'),
      metrics: ['rouge_l'],
      primary: 'test.perplexity',
      maxTokens: 64,
      rules: [
        { rule: 'better', metric: 'test.perplexity', points: params.minPerplexityGain },
        { rule: 'no_regression', metrics: ['test.rouge_l'], points: params.maxRougeDrop },
      ],
    });
    p.step(
      'report',
      'report',
      { title: 'relationship-coach' },
      {
        evals: [evaluation.out('report')],
        curves: [trained.out('progress')],
        reports: [scrubbed.out('report'), scored.out('report'), split.out('report'), quantized[0]!.out('report'), parity.out('report'), promotion.out('decision')],
      },
    );
  },
});
