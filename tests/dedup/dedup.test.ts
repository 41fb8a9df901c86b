import { beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { hashedTokenIds } from '../../activities/dedup/semantic.js';
import { normalizeText } from '../../activities/dedup/text.js';
import { isPipelineError } from '../../core/errors.js';
import { writeEmbeddingModel } from '../support/onnx.js';
import { edit, prose, runStage, tempDir, writeJsonlFile } from './stage-helpers.js';

interface Reject {
  line: number;
  reason: string;
  near_duplicate_of: string;
  near_duplicate_of_line?: number;
  in_index?: boolean;
  similarity: number;
  record: { id: string };
}

let home: string;
let dir: string;
beforeAll(async () => {
  home = await tempDir();
  dir = await tempDir();
});

const rec = (id: string, output: string, quality?: number) => ({ id, instruction: 'Describe the scene.', output, ...(quality !== undefined ? { metadata: { quality_score: quality } } : {}) });

describe('dedup: exact and near-duplicate clusters', () => {
  it('removes known clusters (case, whitespace, punctuation noise and small edits), keeps look-alikes, names the survivor', async () => {
    const a = prose(1, 200);
    const b = prose(2, 200);
    const c = prose(3, 200);
    const rows = [
      rec('a', a), // survivor of cluster A (earliest; no scores)
      rec('b', b),
      rec('a-upper', a.toUpperCase()), // exact after normalisation
      rec('a-space', a.replace(/ /g, '  \t ')),
      rec('a-punct', a.replace(/ /g, ', ') + '!'),
      rec('a-edit', edit(a, 1)), // near: one word of 200 replaced
      rec('b-edit', edit(b, 1, 'other').toUpperCase()), // near + case noise
      rec('c', c),
      rec('c-lookalike', edit(c, 20)), // shares most words but 20 of 200 differ (Jaccard about 0.5): must stay
      rec('unrelated', prose(4, 200)),
    ];
    const input = await writeJsonlFile(path.join(dir, 'clusters.jsonl'), rows);
    const out = await runStage('dedup', { records: input }, {}, home);
    const kept = (await out.records<{ id: string }>('records')).map((r) => r.id);
    expect(kept).toEqual(['a', 'b', 'c', 'c-lookalike', 'unrelated']);
    const rejects = await out.records<Reject>('rejects');
    const byId = Object.fromEntries(rejects.map((r) => [r.record.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['a-edit', 'a-punct', 'a-space', 'a-upper', 'b-edit']);
    expect(byId['a-upper']).toMatchObject({ reason: 'exact_duplicate', near_duplicate_of: 'a', near_duplicate_of_line: 1, line: 3 });
    expect(byId['a-space']!.reason).toBe('exact_duplicate');
    expect(byId['a-punct']!.reason).toBe('exact_duplicate');
    expect(byId['a-edit']).toMatchObject({ reason: 'near_duplicate', near_duplicate_of: 'a', line: 6 });
    expect(byId['a-edit']!.similarity).toBeGreaterThanOrEqual(0.85);
    expect(byId['b-edit']).toMatchObject({ reason: 'near_duplicate', near_duplicate_of: 'b' });
    expect(out.metadata).toMatchObject({ total: 10, kept: 5, rejected: 5, dropped: { exact_duplicate: 3, near_duplicate: 2 } });
  });

  it('keeps the highest quality score in a cluster, then the earliest', async () => {
    const a = prose(11);
    const rows = [rec('low', a, 6.5), rec('high', edit(a, 1), 9.1), rec('high-later', a.toUpperCase(), 9.1), rec('unscored', edit(a, 1, 'x'))];
    const out = await runStage('dedup', { records: await writeJsonlFile(path.join(dir, 'quality.jsonl'), rows) }, {}, home);
    expect((await out.records<{ id: string }>('records')).map((r) => r.id)).toEqual(['high']);
    const rejects = await out.records<Reject>('rejects');
    expect(rejects.map((r) => [r.record.id, r.near_duplicate_of])).toEqual([
      ['low', 'high'],
      ['high-later', 'high'],
      ['unscored', 'high'],
    ]);
  });

  it('follows the threshold: a pair of Jaccard about 0.43 survives at 0.85 and is removed at 0.3', async () => {
    const a = prose(21);
    const rows = [rec('a', a), rec('a-6', edit(a, 6))]; // 6 of 80 words spread out: 46 of 106 distinct 5-gram shingles shared
    const input = await writeJsonlFile(path.join(dir, 'threshold.jsonl'), rows);
    const strict = await runStage('dedup', { records: input }, { threshold: 0.85 }, home);
    expect(strict.metadata.kept).toBe(2);
    const loose = await runStage('dedup', { records: input }, { threshold: 0.3, bands: 28 }, home);
    expect(loose.metadata.kept).toBe(1);
    expect((await loose.records<Reject>('rejects'))[0]).toMatchObject({ reason: 'near_duplicate', near_duplicate_of: 'a' });
    // exact only: the edited copy is not an exact duplicate
    const exactOnly = await runStage('dedup', { records: input }, { near: false }, home);
    expect(exactOnly.metadata.kept).toBe(2);
  });

  it('checks candidates by their true Jaccard similarity, which finds the pairs just above the threshold that the estimate drops', async () => {
    // One word replaced in 80: five of 76 word 5-shingles change, a true Jaccard near 71/81 = 0.877,
    // less than two standard errors of a 112-permutation estimate above 0.85.
    const shingles = (t: string) => {
      const w = t.split(' ');
      return new Set(w.slice(0, w.length - 4).map((_, i) => w.slice(i, i + 5).join(' ')));
    };
    const jaccard = (x: string, y: string) => {
      const a = shingles(x);
      const b = shingles(y);
      const both = [...a].filter((s) => b.has(s)).length;
      return both / (a.size + b.size - both);
    };
    const rows = [];
    const truth = new Map<string, number>();
    for (let k = 0; k < 40; k++) {
      const source = prose(500 + k, 80);
      const copy = edit(source, 1);
      rows.push(rec(`s${k}`, source), rec(`c${k}`, copy));
      // the compared text is the instruction and the output, normalised
      truth.set(`c${k}`, jaccard(`describe the scene ${source}`, `describe the scene ${copy}`));
    }
    expect(Math.min(...truth.values())).toBeGreaterThanOrEqual(0.85);
    const input = await writeJsonlFile(path.join(dir, 'borderline.jsonl'), rows);

    const exact = await runStage('dedup', { records: input }, {}, home);
    const rejects = await exact.records<Reject & { detail: string }>('rejects');
    expect(rejects.map((r) => r.record.id).sort()).toEqual([...truth.keys()].sort());
    for (const r of rejects) {
      expect(r.similarity).toBeCloseTo(truth.get(r.record.id)!, 3);
      expect(r.detail).toMatch(/^Jaccard 0\.\d+ with record s\d+$/);
    }

    const estimated = await runStage('dedup', { records: input }, { verify: 'estimate' }, home);
    const found = (await estimated.records<Reject>('rejects')).length;
    expect(found).toBeLessThan(40);
    expect(found).toBeGreaterThan(0);
  });

  it('is incremental: a second run deduplicates against the index of the first without rehashing it', async () => {
    const first = [rec('w1-a', prose(31)), rec('w1-b', prose(32)), rec('w1-b-dup', prose(32).toUpperCase())];
    const run1 = await runStage('dedup', { records: await writeJsonlFile(path.join(dir, 'week1.jsonl'), first) }, {}, home);
    expect(run1.metadata).toMatchObject({ kept: 2, indexed: 0, indexSize: 2 });
    const indexFile = await run1.file('index');
    const second = [rec('w2-a-edit', edit(prose(31), 1)), rec('w2-new', prose(33)), rec('w2-b-exact', prose(32)), rec('w2-new-dup', edit(prose(33), 1), 9)];
    const input2 = await writeJsonlFile(path.join(dir, 'week2.jsonl'), second);
    const run2 = await runStage('dedup', { records: input2 }, { previousIndex: indexFile }, home);
    expect(run2.metadata).toMatchObject({ total: 4, kept: 1, indexed: 2, indexSize: 3 });
    expect((await run2.records<{ id: string }>('records')).map((r) => r.id)).toEqual(['w2-new-dup']); // higher score beats the earlier new record
    const rejects = await run2.records<Reject>('rejects');
    expect(rejects.map((r) => [r.record.id, r.reason, r.near_duplicate_of, r.in_index ?? false])).toEqual([
      ['w2-a-edit', 'near_duplicate', 'w1-a', true],
      ['w2-new', 'near_duplicate', 'w2-new-dup', false],
      ['w2-b-exact', 'exact_duplicate', 'w1-b', true],
    ]);
    // A third week against the grown index: everything seen is already there.
    const run3 = await runStage('dedup', { records: input2 }, { previousIndex: await run2.file('index') }, home);
    expect(run3.metadata).toMatchObject({ kept: 0, indexed: 3, indexSize: 3 });
    // An index built under other parameters is refused, not silently misused.
    await expect(runStage('dedup', { records: input2 }, { previousIndex: indexFile, permutations: 128, bands: 16 }, home)).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('rejects a line that is not a JSON object with its line number', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await writeJsonlFile(file, [rec('a', prose(41)), [1, 2, 3]]);
    const err = await runStage('dedup', { records: file }, {}, home).catch((e: unknown) => e);
    expect(isPipelineError(err) && err.code === 'INVALID_INPUT_DATA' && err.message.includes('line 2')).toBe(true);
  });

  it('refuses bands that do not divide the permutations', async () => {
    const file = await writeJsonlFile(path.join(dir, 'one.jsonl'), [rec('a', prose(42))]);
    await expect(runStage('dedup', { records: file }, { permutations: 100, bands: 14 }, home)).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS' });
  });
});

describe('dedup: semantic duplicates through an ONNX encoder', () => {
  it('removes paraphrases whose embeddings are close, which MinHash alone keeps', async () => {
    const vocab = 512;
    const dim = 32;
    const norm = { nfkc: true, lowercase: true, punctuation: true, whitespace: true };
    const idOf = (w: string) => hashedTokenIds(normalizeText(w, norm), vocab, 1)[0]!;
    const table = new Float32Array(vocab * dim);
    let s = 12345;
    for (let i = 0; i < table.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      table[i] = s / 2 ** 32 - 0.5;
    }
    // The encoder knows these synonyms: their rows are the same vector.
    for (const [w, syn] of [
      ['car', 'automobile'],
      ['fast', 'quick'],
      ['road', 'highway'],
    ] as const) {
      table.copyWithin(idOf(syn) * dim, idOf(w) * dim, idOf(w) * dim + dim);
    }
    const model = path.join(dir, 'tiny-encoder.onnx');
    await writeEmbeddingModel(model, table, vocab, dim);
    const rows = [
      { id: 's1', text: 'The red car is fast on the road.' },
      { id: 's2', text: 'the red automobile is quick on the highway' },
      { id: 's3', text: 'Boil salted water before adding the pasta.' },
      { id: 's4', text: 'A violin concerto in three movements.' },
    ];
    const input = await writeJsonlFile(path.join(dir, 'semantic.jsonl'), rows);
    const lexical = await runStage('dedup', { records: input }, {}, home);
    expect(lexical.metadata.kept).toBe(4);
    const semantic = await runStage('dedup', { records: input }, { semantic: { model, vocabSize: vocab, threshold: 0.95 } }, home);
    expect((await semantic.records<{ id: string }>('records')).map((r) => r.id)).toEqual(['s1', 's3', 's4']);
    const [rej] = await semantic.records<Reject>('rejects');
    expect(rej).toMatchObject({ reason: 'semantic_duplicate', near_duplicate_of: 's1', line: 2 });
    expect(semantic.metadata.semanticLinks).toBe(1);
  });

  it('names a missing model file', async () => {
    const input = await writeJsonlFile(path.join(dir, 'semantic2.jsonl'), [{ text: 'x' }]);
    await expect(runStage('dedup', { records: input }, { semantic: { model: path.join(dir, 'nope.onnx'), vocabSize: 10 } }, home)).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
