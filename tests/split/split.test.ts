import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cli, testEnv } from '../support/harness.js';
import { edit, prose, runStage, tempDir, writeJsonlFile } from '../dedup/stage-helpers.js';

interface Row {
  id: string;
  category: string;
  conversation_id?: string;
  cluster?: number;
  output: string;
}

let home: string;
let dir: string;
beforeAll(async () => {
  home = await tempDir();
  dir = await tempDir();
});

async function splitOf(run: Awaited<ReturnType<typeof runStage>>): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  for (const s of ['train', 'valid', 'test']) for (const r of await run.records<Row>(s)) where.set(r.id, s);
  return where;
}

describe('split', () => {
  it('keeps every stratum within one record of its share (test held out first)', async () => {
    const cats: [string, number][] = [
      ['instruction', 613],
      ['code', 251],
      ['factual', 97],
      ['red_team', 39],
    ];
    const rows: Row[] = [];
    for (const [category, n] of cats) for (let i = 0; i < n; i++) rows.push({ id: `${category}-${i}`, category, output: prose(rows.length + 1000, 30) });
    const input = await writeJsonlFile(path.join(dir, 'strata.jsonl'), rows);
    const run = await runStage('split', { records: input }, { ratios: [0.8, 0.1, 0.1], seed: 7, stratifyBy: 'category' }, home);
    const where = await splitOf(run);
    expect(where.size).toBe(1000);
    for (const [category, n] of cats) {
      const count = (s: string) => rows.filter((r) => r.category === category && where.get(r.id) === s).length;
      expect(Math.abs(count('test') - n * 0.1)).toBeLessThanOrEqual(1);
      expect(Math.abs(count('valid') - n * 0.1)).toBeLessThanOrEqual(1);
      expect(Math.abs(count('train') - n * 0.8)).toBeLessThanOrEqual(1);
    }
    expect(run.metadata).toMatchObject({ total: 1000, crossSplit: { exactDuplicates: 0, nearDuplicates: 0, groups: 0 } });
  });

  it('never lets near-duplicates, exact duplicates or a group key cross splits on un-deduplicated input', async () => {
    const rows: Row[] = [];
    for (let c = 0; c < 120; c++) {
      const base = prose(5000 + c, 120);
      const copies = 1 + (c % 4);
      for (let k = 0; k < copies; k++) {
        const text = k === 0 ? base : k === 1 ? base.toUpperCase() : edit(base, 1, `v${k}x`);
        rows.push({ id: `c${c}-${k}`, category: c % 3 === 0 ? 'code' : 'instruction', cluster: c, output: text });
      }
    }
    // Conversations: distinct texts that share an id must stay together.
    for (let g = 0; g < 40; g++) for (let t = 0; t < 3; t++) rows.push({ id: `g${g}-${t}`, category: 'instruction', conversation_id: `conv-${g}`, output: prose(9000 + g * 10 + t, 60) });
    const input = await writeJsonlFile(path.join(dir, 'leaky.jsonl'), rows);
    const run = await runStage('split', { records: input }, { ratios: [0.6, 0.2, 0.2], seed: 3, groupBy: ['conversation_id'] }, home);
    const where = await splitOf(run);
    expect(where.size).toBe(rows.length);
    const splitsOf = (key: (r: Row) => string | undefined) => {
      const m = new Map<string, Set<string>>();
      for (const r of rows) {
        const k = key(r);
        if (k === undefined) continue;
        m.set(k, (m.get(k) ?? new Set()).add(where.get(r.id)!));
      }
      return [...m.values()];
    };
    expect(splitsOf((r) => (r.cluster === undefined ? undefined : `c${r.cluster}`)).every((s) => s.size === 1)).toBe(true);
    expect(splitsOf((r) => r.conversation_id).every((s) => s.size === 1)).toBe(true);
    // and every split got something: the clusters were spread, not all dumped in train
    expect(new Set(where.values()).size).toBe(3);
    expect(run.metadata).toMatchObject({ crossSplit: { exactDuplicates: 0, nearDuplicates: 0, groups: 0 } });
    expect((run.metadata.clusters as { multi: number }).multi).toBe(90 + 40);

    // Without near-duplicate grouping the same input does leak: the check is not vacuous.
    const naive = await runStage('split', { records: input }, { ratios: [0.6, 0.2, 0.2], seed: 3, nearDuplicates: false }, home);
    const w2 = await splitOf(naive);
    const leaked = [...new Set(rows.filter((r) => r.cluster !== undefined).map((r) => r.cluster))].some(
      (c) => new Set(rows.filter((r) => r.cluster === c).map((r) => w2.get(r.id))).size > 1,
    );
    expect(leaked).toBe(true);
  });

  it('is deterministic by seed: same seed, same digests; another seed, another split', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, category: i % 2 ? 'a' : 'b', output: prose(i + 20000, 25) }));
    const input = await writeJsonlFile(path.join(dir, 'det.jsonl'), rows);
    const one = await runStage('split', { records: input }, { seed: 11 }, home);
    const two = await runStage('split', { records: input }, { seed: 11 }, home);
    const other = await runStage('split', { records: input }, { seed: 12 }, home);
    for (const s of ['train', 'valid', 'test']) expect(two.outputs[s]!.sha256).toBe(one.outputs[s]!.sha256);
    expect(other.outputs.test!.sha256).not.toBe(one.outputs.test!.sha256);
    expect(one.metadata).toMatchObject({ train: 270, valid: 15, test: 15 }); // 90/5/5 by default (seed 001, seed 004)
  });

  describe("with dedup's index", () => {
    // Dedup with exact duplicates only keeps the near-duplicates, so split still has clusters to find by signature.
    const rows: Row[] = [];
    for (let c = 0; c < 150; c++) {
      const base = prose(40000 + c, 200);
      for (let k = 0; k < 1 + (c % 3); k++) rows.push({ id: `c${c}-${k}`, category: ['a', 'b', 'c'][c % 3]!, output: k === 0 ? base : edit(base, 1, `v${k}x`) });
      if (c % 5 === 0) rows.push({ id: `c${c}-copy`, category: 'a', output: base.toUpperCase() });
    }
    const options = { ratios: [0.7, 0.15, 0.15], seed: 5, stratifyBy: 'category', fields: ['output'] };
    let unique: string;
    let index: string;
    let alone: Awaited<ReturnType<typeof runStage>>;
    beforeAll(async () => {
      const input = await writeJsonlFile(path.join(dir, 'deduped.jsonl'), rows);
      const d = await runStage('dedup', { records: input }, { near: false, fields: ['output'] }, home);
      expect(d.metadata).toMatchObject({ dropped: { exact_duplicate: 30 } });
      [unique, index] = [await d.file('records'), await d.file('index')];
      alone = await runStage('split', { records: unique }, options, home);
      expect(alone.metadata.signatures).toEqual({ source: 'signed', why: 'no dedup index given' });
    });
    const digests = (run: Awaited<ReturnType<typeof runStage>>) => ['train', 'valid', 'test'].map((s) => run.outputs[s]!.sha256);

    it('reuses its signatures for the records it kept, and assigns every record exactly as when signing', async () => {
      const reused = await runStage('split', { records: unique, index }, options, home);
      expect(reused.metadata.signatures).toEqual({ source: 'dedup-index' });
      expect(digests(reused)).toEqual(digests(alone));
      expect(reused.metadata.clusters).toEqual(alone.metadata.clusters);
      expect((reused.metadata.clusters as { multi: number }).multi).toBe(100); // the near-duplicate clusters were found from the index's signatures
      expect(reused.metadata.crossSplit).toEqual({ exactDuplicates: 0, nearDuplicates: 0, groups: 0 });
    });

    it('signs itself, and says why, when the index signed other records or with other parameters', async () => {
      const other = await writeJsonlFile(path.join(dir, 'other.jsonl'), rows.slice(0, -1));
      const wrongInput = await runStage('split', { records: other, index }, options, home);
      expect(wrongInput.metadata.signatures).toMatchObject({ source: 'signed', why: expect.stringContaining('the index signed other records') });
      const wrongFields = await runStage('split', { records: unique, index }, { ...options, fields: ['id', 'output'] }, home);
      expect(wrongFields.metadata.signatures).toMatchObject({ source: 'signed', why: expect.stringContaining('fields: index ["output"], run ["id","output"]') });
      const wrongSeed = await runStage('split', { records: unique, index }, { ...options, hashSeed: 2 }, home);
      expect(wrongSeed.metadata.signatures).toMatchObject({ source: 'signed', why: expect.stringContaining('seed: index 1, run 2') });
      expect(digests(wrongSeed)).toEqual(digests(await runStage('split', { records: unique }, { ...options, hashSeed: 2 }, home)));
    });
  });

  it('rejects ratios that do not sum to 1', async () => {
    const input = await writeJsonlFile(path.join(dir, 'one.jsonl'), [{ id: 'x', output: 'x' }]);
    await expect(runStage('split', { records: input }, { ratios: [0.8, 0.1, 0.2] }, home)).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS' });
  });

  it('writes train.jsonl, valid.jsonl and test.jsonl with --out-dir from the CLI', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, category: ['x', 'y'][i % 2], output: prose(i + 30000, 20) }));
    const input = await writeJsonlFile(path.join(dir, 'cli.jsonl'), rows);
    const outDir = path.join(dir, 'cli-out');
    const env = await testEnv();
    const res = await cli(['stage', 'split', '--in', input, '--out-dir', outDir, '--config', '{"ratios": [0.8, 0.1, 0.1], "seed": 7, "stratifyBy": "category"}'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = async (f: string) => (await fs.readFile(path.join(outDir, f), 'utf8')).trim().split('\n').length;
    expect([await lines('train.jsonl'), await lines('valid.jsonl'), await lines('test.jsonl')]).toEqual([160, 20, 20]);
    expect(JSON.parse(res.stdout)).toMatchObject({ stage: 'split', total: 200, crossSplit: { nearDuplicates: 0 } });
  });
});
