import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_000_RATIOS } from './parts/split-ratios.js';

/**
 * Seeds 000 and 003: a Cypher generator. Templated (and optionally LLM-generated) questions with the
 * seed's coverage buckets (basic 30%, relationships 25%, filtering 20%, aggregation 15%, complex
 * 10%), every answer checked as Cypher before anything trains on it (EXPLAIN on the worker's Neo4j
 * when NEO4J_URI is set, seed 000's validation; Neo4j's parser offline), Q4_K_M export, exact match
 * and Cypher validity. The split holds out 15% for test (seed 000, line 423: "Hold out 10-20% of
 * data *before* any analysis"; seed 003 names no split).
 */
export default definePipeline({
  name: 'cypher-expert',
  description: 'Seeds 000/003: Cypher coverage buckets -> Cypher validation -> dedup -> split -> train -> Q4_K_M -> evaluate (exact match, Cypher valid)',
  // The expert examples are stored as validated, unscrubbed: a scrub would rewrite the names
  // their questions and queries must share ("Tom Hanks"). They are curated, not a user's data.
  storesRaw: true,
  params: z.object({
    examples: z.number().int().positive().default(2000).describe('generated examples (seed 000: 1,000-5,000 for a focused task)'),
    provider: z.enum(['template', 'anthropic', 'local']).default('template'),
    seedExamples: z.string().default('data/cypher-expert/seed-examples.jsonl').describe('expert-written examples'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const generated = p.step('generate', 'generate', { provider: params.provider, preset: 'cypher', count: params.examples, seed: params.seed });
    const experts = p.step('seed-examples', 'validate', { path: params.seedExamples });
    const all = p.step('combine', 'concat', {}, { parts: [experts.out('records'), generated.out('records')] });
    const valid = p.step('validate', 'validate', {}, { records: all.out('records') });
    // Every record here is Cypher: its answer is checked whatever its category (the generator
    // writes `basic`, `relationships`, ...). Seed 000's validation (000_7a3a7c967fb17292.txt lines
    // 170-187: validate_cypher runs `EXPLAIN {query}` on each example) is EXPLAIN on a Neo4j: the score
    // step's default (`cypher.explain: auto`) runs it when the worker has NEO4J_URI, and Neo4j's
    // offline parser when not. Rejects are counted by reason in the step's metadata and the report.
    const scored = p.step('score', 'score', { cypher: { all: true } }, { records: valid.out('records') });
    const unique = p.step('dedup', 'dedup', { fields: ['instruction', 'input', 'output'] }, { records: scored.out('records') });
    const split = p.step('split', 'split', { ratios: SEED_000_RATIOS, fields: ['instruction', 'output'], seed: params.seed }, { records: unique.out('records'), index: unique.out('index') });
    const base = baseModel(p, params.baseModel, params.seed);
    const { trained, quantized, evaluation, parity, promotion } = trainEvaluatePromote(p, params, {
      phase: 'cypher',
      name: 'cypher-expert',
      base,
      data: split.out('train'),
      valid: split.out('valid'),
      test: split.out('test'),
      metrics: ['cypher_valid', 'exact_match'],
      primary: 'test.cypher_valid',
      maxTokens: 96,
    });
    p.step(
      'report',
      'report',
      { title: 'cypher-expert' },
      { evals: [evaluation.out('report')], curves: [trained.out('progress')], reports: [scored.out('report'), split.out('report'), quantized[0]!.out('report'), parity.out('report'), promotion.out('decision')] },
    );
  },
});
