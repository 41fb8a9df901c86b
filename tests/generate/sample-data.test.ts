import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../core/cache/canonical.js';
import { REPO_ROOT } from '../support/paths.js';

/** The hand-written sample data is written as seed 001 writes its records. */
describe('data/json-expert/sample.jsonl follows seed 001', () => {
  const records = readFileSync(path.join(REPO_ROOT, 'data/json-expert/sample.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { task: string; input: Record<string, unknown>; output?: string; chosen?: string });

  it('json_repair carries its input as broken_json (the seed\'s field), which does not parse', () => {
    const repairs = records.filter((r) => r.task === 'json_repair');
    expect(repairs.length).toBeGreaterThan(0);
    for (const r of repairs) {
      expect(Object.keys(r.input)).not.toContain('broken');
      expect(typeof r.input.broken_json).toBe('string');
      expect(() => JSON.parse(r.input.broken_json as string)).toThrow();
    }
  });

  it('every JSON answer is minified with its keys sorted (seed 001\'s style rule)', () => {
    for (const r of records) {
      const answer = r.output ?? r.chosen!;
      expect(answer).toBe(canonicalJson(JSON.parse(answer)));
    }
  });
});
