import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';

/**
 * A seconds-long pipeline over data/smoke.jsonl that exercises the orchestrator: a load, a fan-out
 * into two branches, a fan-in, and two reports.
 */
export default definePipeline({
  name: 'smoke',
  description: 'Smoke test: load, fan out to two transforms, fan in, report',
  // read-jsonl and validate store data/smoke.jsonl as read: a fixture with no personal data.
  storesRaw: true,
  params: z.object({
    input: z.string().default('data/smoke.jsonl').describe('JSONL file of instruction records'),
    minChars: z.number().int().nonnegative().default(8).describe('shortest output kept by the length filter'),
  }),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: params.input, schema: 'instruction' });
    const clean = p.step('clean', 'map-text', { fields: ['instruction', 'output'], op: 'collapse_whitespace' }, { records: load.out('records') });
    const filtered = p.step('filter', 'filter-length', { field: 'output', min: params.minChars }, { records: clean.out('records') });
    const shout = p.step('shout', 'map-text', { fields: ['instruction'], op: 'upper' }, { records: load.out('records') });
    const merged = p.step('merge', 'concat', {}, { parts: [filtered.out('records'), shout.out('records')] });
    p.step('stats', 'field-stats', { fields: ['instruction', 'output'] }, { records: merged.out('records') });
    p.step('source-stats', 'field-stats', {}, { records: load.out('records') });
    // Curation chain (issue 3): validate -> pii -> score, then the dataset report.
    const validated = p.step('validate', 'validate', { path: params.input });
    const scrubbed = p.step('pii', 'pii', {}, { records: validated.out('records') });
    const scored = p.step('score', 'score', {}, { records: scrubbed.out('records') });
    p.step('dataset-report', 'dataset-report', {}, { records: scored.out('records'), rejects: [validated.out('rejects'), scrubbed.out('rejects'), scored.out('rejects')] });
  },
});
