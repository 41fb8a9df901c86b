import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { registerJudge } from '../../activities/curation/index.js';
import { isPipelineError } from '../../core/errors.js';
import { fnv1a } from '../../activities/curation/score/classifier.js';
import { gopherStats } from '../../activities/curation/score/gopher.js';
import { heuristicFailures } from '../../activities/curation/score/heuristics.js';
import { scoreOptionsSchema } from '../../activities/curation/score/options.js';
import { seed004Score } from '../../activities/curation/score/seed004.js';
import { logisticModel } from '../support/onnx.js';
import { curated, runStage, tempDir } from './support/stage.js';

interface Removed {
  line: number;
  reason: string;
  detail: string;
  score: number;
  given: number | null;
  heuristicScore: number;
  threshold: number;
  components: Record<string, number>;
  failed: string[];
  record: { id: string };
}
interface Kept {
  id: string;
  metadata?: { quality_score?: number; heuristic_score?: number; heuristic_reasons?: string[] };
  provenance: { line: number };
}

const PROSE =
  'Graph databases store data as nodes and relationships, which makes it easy to follow the connections between records without expensive joins. ' +
  'They suit social networks, fraud detection and recommendation engines, and a query language such as Cypher describes the patterns to match.';

let dir: string;
let home: string;
beforeAll(async () => {
  dir = await tempDir();
  home = await tempDir('forgeline-cur-home-');
});

describe('score components', () => {
  it("computes seed 004's formula from its signals, and only when they are present", () => {
    const view = { prompt: 'q', response: 'x'.repeat(60) };
    expect(seed004Score(view, undefined)).toBeUndefined();
    expect(seed004Score(view, { category: 'advice' })).toBeUndefined();
    const full = seed004Score(view, {
      conversation_turns: 3, user_satisfaction: 8, action_taken: true, positive_outcome: true, coherence: 0.8, empathy: 0.7, underrepresented: true, unique_context: true,
    });
    expect(full).toEqual({ score: 10, parts: { engagement: 3, outcome: 3, content: 2, diversity: 2 } });
    const some = seed004Score({ prompt: 'q', response: 'short', turns: 4 }, { user_satisfaction: 7.9, action_taken: true, coherence: 0.79, empathy: 0.9 });
    expect(some).toEqual({ score: 1 + 1.5 + 1, parts: { engagement: 1, outcome: 1.5, content: 1, diversity: 0 } });
  });

  it('computes Gopher statistics as datatrove does', () => {
    const s = gopherStats('a b a b a b\n\nline\nline', true);
    expect(s.dupLineFraction).toBeCloseTo(1 / 3);
    expect(s.topNgramCharFraction[2]).toBeCloseTo((3 * 3) / 22);
    const rep = gopherStats(Array.from({ length: 30 }, () => 'buy now').join(' '), true);
    expect(rep.dupNgramCharFraction[5]).toBeGreaterThan(0.15);
    const clean = gopherStats(PROSE, true);
    expect(clean.stopWords).toBeGreaterThanOrEqual(2);
    expect(clean.dupNgramCharFraction[5]).toBe(0);
  });

  it('matches a direct transcription of datatrove on random texts (n-gram shortcuts included)', () => {
    const topRef = (words: string[], n: number, len: number) => {
      const c = new Map<string, number>();
      for (let i = 0; i + n <= words.length; i++) {
        const g = words.slice(i, i + n).join(' ');
        c.set(g, (c.get(g) ?? 0) + 1);
      }
      let best: [string, number] | undefined;
      for (const e of c) if (!best || e[1] > best[1]) best = e;
      return best ? (best[0].length * best[1]) / len : 0;
    };
    const dupRef = (words: string[], n: number, len: number) => {
      const seen = new Set<string>();
      let rep = 0;
      let i = 0;
      while (i < words.length - n + 1) {
        const g = words.slice(i, i + n).join('');
        if (seen.has(g)) {
          rep += g.length;
          i += n;
        } else {
          seen.add(g);
          i++;
        }
      }
      return rep / len;
    };
    let a = 12345;
    const next = () => ((a = (a * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    for (let t = 0; t < 60; t++) {
      const vocab = Array.from({ length: 2 + Math.floor(next() * 200) }, (_, i) => `w${i}x`);
      const words = Array.from({ length: 20 + Math.floor(next() * 120) }, () => vocab[Math.floor(next() * vocab.length)]!);
      const text = words.join(' ');
      const s = gopherStats(text, true);
      for (const n of [2, 3, 4]) expect(s.topNgramCharFraction[n]).toBeCloseTo(topRef(words, n, text.length), 10);
      for (const n of [5, 6, 7, 8, 9, 10]) expect(s.dupNgramCharFraction[n]).toBeCloseTo(dupRef(words, n, text.length), 10);
    }
  });

  it('flags heuristic failures with stable codes, and passes clean prose', () => {
    const h = scoreOptionsSchema.parse({}).heuristics;
    expect(heuristicFailures(PROSE, h)).toEqual([]);
    expect(heuristicFailures('ok', h)).toEqual(['response_too_short']);
    // A label or JSON a task validator checks is a whole answer, however short.
    expect(heuristicFailures('TLP:RED', h, true)).toEqual([]);
    // A 22-word answer whose most frequent 4-gram occurs once: 24 of 129 characters (over datatrove's
    // 0.16) but not repetition.
    const unrepeated = 'Keep the same wake-up time every day, weekends included; a steady morning anchors the body clock more than an early bedtime does.';
    expect(gopherStats(unrepeated, true).topNgramCount[4]).toBe(1);
    expect(gopherStats(unrepeated, true).topNgramCharFraction[4]).toBeGreaterThan(0.16);
    expect(heuristicFailures(unrepeated, h)).toEqual([]);
    expect(heuristicFailures(Array.from({ length: 40 }, () => 'buy now').join(' '), h)).toEqual(
      expect.arrayContaining(['gopher_stop_words', 'gopher_top_ngram', 'gopher_dup_ngram']),
    );
    expect(heuristicFailures(`${PROSE} As an AI language model I cannot say more.`, h)).toEqual(['boilerplate']);
    // A phrase is found whatever its case on either side, and as literal text (no pattern syntax).
    const custom = { ...h, boilerplate: ['Click HERE (now)', 'a+b'] };
    expect(heuristicFailures(`${PROSE} Please click here (NOW) to read on.`, custom)).toEqual(['boilerplate']);
    expect(heuristicFailures(`${PROSE} Please click here now to read on.`, custom)).toEqual([]);
    expect(heuristicFailures(`${PROSE} Then a+b is the sum.`, custom)).toEqual(['boilerplate']);
    expect(heuristicFailures(`${PROSE} Then aab is the sum.`, custom)).toEqual([]);
    expect(heuristicFailures(Array.from({ length: 30 }, (_, i) => `#tag${i} ...`).join(' '), h)).toEqual(expect.arrayContaining(['gopher_symbol_ratio']));
    const bullets = Array.from({ length: 25 }, (_, i) => `- item number ${i} of the list with the words`).join('\n');
    expect(heuristicFailures(bullets, h)).toEqual(expect.arrayContaining(['gopher_bullet_lines']));
  });
});

describe('score stage', () => {
  it('keeps good records with their score, sets aside the rest with a breakdown and a reason code', async () => {
    const input = await curated(
      dir,
      'mixed',
      [
        { instruction: 'Explain graph databases', input: '', output: PROSE }, // 1 kept
        { instruction: 'Spam', input: '', output: Array.from({ length: 40 }, () => 'buy now').join(' ') }, // 2 below threshold
        { task: 'schema_generate', input: { instruction: 'Generate JSON following this schema. Respond only with JSON.', schema: '{"type":"object","properties":{"name":{"type":"string"},"version":{"type":"string"}},"required":["name"]}' }, output: '{"name":"my-package","version":"1.0.0"}' }, // 3 kept
        { task: 'schema_generate', input: { instruction: 'Generate JSON following this schema. Respond only with JSON.', schema: '{"type":"object","required":["name"]}' }, output: '{"version":"1"}' }, // 4 schema_mismatch
        { task: 'schema_generate', input: { instruction: 'Generate JSON.', schema: '{"type":"nonsense"}' }, output: '{}' }, // 5 invalid_schema
        { task: 'json_repair', input: { instruction: 'Fix this broken JSON. Respond only with valid JSON.', broken_json: '{a:1}' }, output: '{a:1}' }, // 6 invalid_json
        { task: 'json_style_strict', input: { instruction: 'Normalize: minify and sort keys.', json: '{"z":1,"a":2}' }, output: '{"z":1,"a":2}' }, // 7 style_mismatch
        { task: 'json_style_strict', input: { instruction: 'Normalize: minify and sort keys.', json: '{"z":1,"a":2}' }, output: '{"a":2,"z":1}' }, // 8 kept
        { instruction: 'Classify TLP', input: 'Customer email addresses', output: 'TLP:AMBER' }, // 9 kept
        { instruction: 'Classify TLP', input: 'Customer email addresses', output: 'TLP:ORANGE' }, // 10 label_not_allowed
        { task: 'text_to_cypher', input: { question: 'Find all Person nodes' }, output: 'MATCH (n:Person) RETURN n' }, // 11 kept
        { task: 'text_to_cypher', input: { question: 'Find all Person nodes' }, output: 'MATCH (n:Person RETURN n' }, // 12 cypher_syntax
        { instruction: 'Count people', input: '', output: 'MATCH (p:Person) RETURN count(p) AS total', metadata: { category: 'cypher' } }, // 13 kept
        { instruction: 'Count people', input: '', output: 'MATCH (p:Person) RETURN count(p) AS', metadata: { category: 'cypher' } }, // 14 cypher_syntax
        { instruction: 'How do I plan a date?', input: '', output: 'Pick an activity you both enjoy, plan ahead, and keep it simple so you can focus on each other.', metadata: { category: 'advice', conversation_turns: 4, user_satisfaction: 9, action_taken: true, positive_outcome: true, coherence: 0.9, empathy: 0.8 } }, // 15 kept
        { instruction: 'How do I plan a date?', input: '', output: 'Just go out somewhere and have fun, really.', metadata: { category: 'advice', conversation_turns: 1, user_satisfaction: 3 } }, // 16 below (seed 004 = 0)
        { instruction: 'Rate this', input: '', output: PROSE, metadata: { quality_score: 2 } }, // 17 below (metadata score 2)
      ],
      home,
    );
    const run = await runStage('score', input, {}, home);
    const kept = await run.records<Kept>('records');
    const removed = await run.records<Removed>('rejects');
    expect(kept.map((k) => k.provenance.line)).toEqual([1, 3, 8, 9, 11, 13, 15]);
    expect(Object.fromEntries(removed.map((r) => [r.line, r.reason]))).toEqual({
      2: 'below_threshold', 4: 'schema_mismatch', 5: 'invalid_schema', 6: 'invalid_json', 7: 'style_mismatch', 10: 'label_not_allowed',
      12: 'cypher_syntax', 14: 'cypher_syntax', 16: 'below_threshold', 17: 'below_threshold',
    });
    expect(run.metadata).toMatchObject({ total: 17, kept: 7, rejected: 10, threshold: 7 });
    for (const k of kept) expect(k.metadata!.quality_score).toBeGreaterThanOrEqual(7);
    expect(kept[6]!.metadata!.quality_score).toBe(9); // mean of seed 004 (3 + 3 + 2 + 0 = 8) and heuristics (10)
    const spam = removed.find((r) => r.line === 2)!;
    expect(spam.components).toEqual({ heuristics: 0 }); // 3+ failed checks x 4
    expect(spam.failed).toEqual(expect.arrayContaining(['gopher_top_ngram', 'gopher_dup_ngram']));
    expect(spam.detail).toMatch(/^score 0 < 7; failed: /);
    expect(spam.record.id).toMatch(/^[0-9a-f]{16}$/);
    expect(removed.find((r) => r.line === 4)!.detail).toContain("must have required property 'name'");
    expect(removed.find((r) => r.line === 16)!.components).toEqual({ seed004: 0, heuristics: 10 });
    expect(removed.find((r) => r.line === 17)!).toMatchObject({ score: 2, given: 2, heuristicScore: 10, components: { heuristics: 10 } });
    expect(removed.find((r) => r.line === 12)!.score).toBe(0);
    const report = await run.json<{ gates: Record<string, number> }>('report');
    expect(report.gates).toEqual({ schema_mismatch: 1, invalid_schema: 1, invalid_json: 1, style_mismatch: 1, label_not_allowed: 1, cypher_syntax: 2 });
  });

  // Issue 19, defect 1: the mean of a given 6.0 and the heuristics' 10 was 8.0, kept, and written
  // over the source's score. Seed 004: "Minimum score of 7.0 for inclusion".
  it("gates on the record's own quality_score, never averaged with the heuristics nor overwritten, and reports them beside it", async () => {
    const spam = Array.from({ length: 40 }, () => 'buy now').join(' ');
    const input = await curated(
      dir,
      'given',
      [
        { instruction: 'Explain graph databases', input: '', output: PROSE, metadata: { quality_score: 6.0 } }, // 1 below: 6.0 < 7, however clean
        { instruction: 'Explain graph databases', input: '', output: `${PROSE} Indeed.`, metadata: { quality_score: 7.5 } }, // 2 kept at 7.5
        { instruction: 'Spam', input: '', output: spam, metadata: { quality_score: 9.0 } }, // 3 kept at 9.0: the heuristics report, the source decides
        { instruction: 'Explain graph databases', input: '', output: `${PROSE} Really.`, metadata: { quality_score: 6.9, conversation_turns: 4, user_satisfaction: 9, action_taken: true, positive_outcome: true, coherence: 0.9, empathy: 0.8 } }, // 4 below: seed 004's signals do not lift it
        { instruction: 'Explain graph databases', input: '', output: `${PROSE} Truly.` }, // 5 kept: no given score, the computed one gates
      ],
      home,
    );
    const run = await runStage('score', input, {}, home);
    const kept = await run.records<Kept>('records');
    const removed = await run.records<Removed>('rejects');
    expect(kept.map((k) => k.provenance.line)).toEqual([2, 3, 5]);
    expect(kept.map((k) => k.metadata)).toEqual([
      { quality_score: 7.5, heuristic_score: 10, heuristic_reasons: [] },
      { quality_score: 9, heuristic_score: 0, heuristic_reasons: expect.arrayContaining(['gopher_top_ngram', 'gopher_dup_ngram']) },
      { quality_score: 10, heuristic_score: 10, heuristic_reasons: [] },
    ]);
    expect(removed.map((r) => [r.line, r.reason, r.score, r.given, r.heuristicScore])).toEqual([
      [1, 'below_threshold', 6, 6, 10],
      [4, 'below_threshold', 6.9, 6.9, 9],
    ]);
    expect(removed[0]!.detail).toBe('given quality_score 6 (heuristic score 10) < 7');
    expect(removed[1]!.components).toEqual({ seed004: 8, heuristics: 10 });
    expect(run.metadata).toMatchObject({ kept: 3, rejected: 2, scoreSource: { given: 4, computed: 1 } });
  });

  it('sets aside lines of a file that did not go through validate, each with its reason, instead of failing', async () => {
    const file = path.join(dir, 'hand-made.jsonl');
    const lines = [
      JSON.stringify({ instruction: 'Explain graph databases', input: '', output: PROSE }), // no format tag
      '',
      '{"instruction": "cut',
      '[1, 2]',
      JSON.stringify({ id: '0123456789abcdef', format: 'instruction', instruction: 'Explain graph databases', input: '', output: PROSE, provenance: { source: 'x', line: 1 } }),
    ];
    await fs.writeFile(file, lines.join('\n') + '\n');
    const run = await runStage('score', file, {}, home);
    const removed = await run.records<{ line: number; reason: string; detail: string; source: string }>('rejects');
    expect(Object.fromEntries(removed.map((r) => [r.line, r.reason]))).toEqual({ 1: 'not_curated', 2: 'blank_line', 3: 'malformed_json', 4: 'not_an_object' });
    expect(removed[0]!.detail).toMatch(/run validate first/);
    expect(removed[0]!.source).toBe('hand-made.jsonl');
    expect(run.metadata).toMatchObject({ total: 5, kept: 1, rejected: 4 });
  });

  it.each([1, 2])('fails with the same non-retryable CONFIG error in %i thread(s) when cypher.explain has no Neo4j', async (threads) => {
    const input = await curated(dir, `explain-${threads}`, [{ task: 'text_to_cypher', input: { question: 'All people' }, output: 'MATCH (p:Person) RETURN p' }], home);
    const saved = process.env.NEO4J_URI;
    delete process.env.NEO4J_URI;
    try {
      const err = await runStage('score', input, { threads, cypher: { explain: true } }, home).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPipelineError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'CONFIG', retryable: false, issues: [{ path: 'options.cypher.explain', message: 'NEO4J_URI is not set' }] });
    } finally {
      if (saved !== undefined) process.env.NEO4J_URI = saved;
    }
  });

  it('scores with a tiny real ONNX classifier through onnxruntime-node', async () => {
    const dim = 4096;
    const w = new Float32Array(dim);
    w[fnv1a('excellent') % dim] = 12;
    w[fnv1a('garbage') % dim] = -12;
    const model = path.join(dir, 'quality.onnx');
    await fs.writeFile(model, logisticModel(w, 0));
    const base = 'This answer explains the topic in plain words so that a reader can follow it from start to end';
    const input = await curated(
      dir,
      'clf',
      [
        { instruction: 'q1', input: '', output: `${base}, an excellent answer.` },
        { instruction: 'q2', input: '', output: `${base}, garbage garbage.` },
      ],
      home,
    );
    const run = await runStage('score', input, { classifier: { model }, weights: { heuristics: 0 } }, home);
    const kept = await run.records<Kept>('records');
    const removed = await run.records<Removed>('rejects');
    expect(kept.map((k) => k.provenance.line)).toEqual([1]);
    expect(kept[0]!.metadata!.quality_score).toBeGreaterThan(9);
    expect(removed[0]!.components.classifier).toBeLessThan(1);
    expect(removed[0]!.reason).toBe('below_threshold');
  });

  it('plugs in an LLM judge by registered name or by module', async () => {
    const input = await curated(
      dir,
      'judge',
      [
        { instruction: 'q1', input: '', output: PROSE },
        { instruction: 'q2', input: '', output: `${PROSE} (needs work)` },
      ],
      home,
    );
    const seen: string[] = [];
    registerJudge('test-judge', (options) => ({
      async judge(req) {
        seen.push(req.id);
        return { score: req.response.includes('needs work') ? Number(options.low) : 9 };
      },
    }));
    const byName = await runStage('score', input, { judge: { provider: 'test-judge', options: { low: 1 } }, weights: { heuristics: 0 } }, home);
    expect(seen).toHaveLength(2);
    expect((await byName.records<Kept>('records')).map((k) => k.metadata!.quality_score)).toEqual([9]);
    expect((await byName.records<Removed>('rejects'))[0]!.components).toEqual({ heuristics: 10, judge: 1 });

    const mod = path.join(dir, 'judge.mjs');
    await fs.writeFile(mod, 'export default (o) => ({ async judge(r) { return { score: r.response.includes("needs work") ? o.long : 8 }; } });\n');
    const byModule = await runStage('score', input, { judge: { module: mod, options: { long: 0 } }, weights: { heuristics: 0 }, threads: 2 }, home);
    expect(byModule.metadata).toMatchObject({ kept: 1, rejected: 1 });

    await expect(runStage('score', input, { judge: { provider: 'nobody' } }, home)).rejects.toThrow(/no LLM judge "nobody"/);
  });
});
