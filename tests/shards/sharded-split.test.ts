import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { useTestWorker } from '../support/harness.js';
import { edit, prose, tempDir } from '../dedup/stage-helpers.js';
import { expectFanOutHistory, indexParts, read, runJson, shardOfEachId, type Ref, type StepJson } from './run-json.js';

interface Row {
  id: string;
  category: string;
  conversation_id?: string;
  output: string;
}

const { env } = useTestWorker();
const SHARDS = 4;
const SPLITS = ['train', 'valid', 'test'] as const;
const OPTIONS = { ratios: [0.7, 0.15, 0.15], seed: 11, stratifyBy: 'category', groupBy: ['conversation_id'] };

const withoutTimes = ({ ms: _ms, shards: _shards, ...rest }: Record<string, unknown>) => rest;

async function split(input: string, shards: number): Promise<{ runId: string; step: StepJson; shard?: StepJson; after: StepJson }> {
  const out = await runJson(env, 'test-shard-split', { input, shards, split: OPTIONS });
  expect(out.status).toBe('succeeded');
  return { runId: out.runId, step: out.step('split'), shard: out.step('shard'), after: out.step('after') };
}

/**
 * 480 records in three uneven strata whose clusters cross shards: each of 60 texts has a one-word
 * edit (a near-duplicate) near the end of the file and 30 have an upper-case copy (an exact
 * duplicate after normalisation, in another stratum); 30 conversations have a turn at the start,
 * one in the middle and one at the end. 150 blank lines after the first 40 records make shard 0
 * hold far fewer records than the others.
 */
function corpus(): { lines: string[]; rows: Row[] } {
  const category = (c: number) => ['chat', 'chat', 'code', 'code', 'math'][c % 5]!;
  const head: Row[] = [];
  const middle: Row[] = [];
  const tail: Row[] = [];
  for (let c = 0; c < 120; c++) head.push({ id: `b${c}`, category: category(c), output: prose(5000 + c, 120) });
  for (let g = 0; g < 30; g++) {
    const turn = (t: number): Row => ({ id: `g${g}-${t}`, category: category(g), conversation_id: `conv-${g}`, output: prose(9000 + 10 * g + t, 40) });
    head.splice(4 * g + 1, 0, turn(0));
    middle.push(turn(1));
    tail.push(turn(2));
  }
  for (let i = 0; i < 150; i++) middle.splice(i % (middle.length + 1), 0, { id: `s${i}`, category: category(i), output: prose(20000 + i, 50) });
  for (let c = 0; c < 60; c++) tail.splice(c % (tail.length + 1), 0, { id: `n${c}`, category: category(c), output: edit(prose(5000 + c, 120), 1, `n${c}x`) });
  for (let c = 0; c < 30; c++) tail.push({ id: `x${c}`, category: 'math', output: prose(5000 + 2 * c, 120).toUpperCase() });
  const rows = [...head, ...middle, ...tail];
  const lines = rows.map((r) => JSON.stringify(r));
  lines.splice(40, 0, ...Array<string>(150).fill(''));
  return { lines, rows };
}

describe('split on a sharded dataset', () => {
  it('equals the one-host split (train, valid, test byte for byte, the same report) with clusters across uneven shards, with small payloads', async () => {
    const dir = await tempDir('forgeline-shard-split-');
    const { lines, rows } = corpus();
    const file = path.join(dir, 'data.jsonl');
    await fs.writeFile(file, lines.join('\n') + '\n');

    const single = await split(file, 0);
    const sharded = await split(file, SHARDS);
    expect(sharded.step.metadata.shards).toBe(SHARDS);
    const manifest = JSON.parse(await read(sharded.shard!.outputs.shards!)) as { shards: Ref[] };
    const counts = manifest.shards.map((s) => s.records!);
    expect(counts.reduce((a, b) => a + b)).toBe(rows.length);
    expect(Math.min(...counts) * 2).toBeLessThan(Math.max(...counts));

    for (const s of SPLITS) {
      const [one, many] = [single.step.outputs[s]!, sharded.step.outputs[s]!];
      expect(many.kind).toBe('records');
      expect(await read(many)).toBe(await read(one));
      expect(many.sha256).toBe(one.sha256);
    }
    // A step after split reads its outputs as records, as train and evaluate do.
    expect(await read(sharded.after.outputs.records!)).toBe(await read(single.after.outputs.records!));
    expect(withoutTimes(sharded.step.metadata)).toEqual(withoutTimes(single.step.metadata));
    const reportOf = async (step: StepJson) => withoutTimes(JSON.parse(await read(step.outputs.report!)) as Record<string, unknown>);
    expect(await reportOf(sharded.step)).toEqual(await reportOf(single.step));

    // The clusters that make the split leakage-free span shards: a split that clustered each shard
    // alone would count more clusters (the report differs) and scatter them (checked here directly).
    const shardOf = shardOfEachId(lines, SHARDS);
    const where = new Map<string, string>();
    for (const s of SPLITS) for (const line of (await read(sharded.step.outputs[s]!)).split('\n').filter(Boolean)) where.set((JSON.parse(line) as Row).id, s);
    expect(where.size).toBe(rows.length);
    const together: [string, string][] = [];
    for (let c = 0; c < 60; c++) together.push([`b${c}`, `n${c}`]);
    for (let c = 0; c < 30; c++) together.push([`b${2 * c}`, `x${c}`]);
    for (let g = 0; g < 30; g++) together.push([`g${g}-0`, `g${g}-1`], [`g${g}-1`, `g${g}-2`]);
    const crossShard = together.filter(([a, b]) => shardOf.get(a) !== shardOf.get(b));
    expect(crossShard.length).toBeGreaterThanOrEqual(120);
    expect(crossShard.filter(([a, b]) => where.get(a) !== where.get(b))).toEqual([]);
    expect(new Set(crossShard.map(([a]) => where.get(a))).size).toBe(3);
    expect(single.step.metadata).toMatchObject({ total: rows.length, crossSplit: { exactDuplicates: 0, nearDuplicates: 0, groups: 0 } });
    expect((single.step.metadata.clusters as { multi: number }).multi).toBeGreaterThanOrEqual(90);

    // The whole step is cached under the manifest's digest: a second run schedules no shard.
    const again = await split(file, SHARDS);
    expect(again.step.status).toBe('cached');
    for (const s of SPLITS) expect(again.step.outputs[s]!.sha256).toBe(sharded.step.outputs[s]!.sha256);

    await expectFanOutHistory(sharded.runId, { 'split.gather': SHARDS, 'split.assign': 1, 'split.write': SHARDS, 'split.finish': 1 }, prose(5000, 120).slice(0, 40));
  });

  it("takes the signatures from sharded dedup's index when it signed these shards, assigning every record as when signing; signs, and says why, when it does not fit", async () => {
    const dir = await tempDir('forgeline-shard-dedup-split-');
    const file = path.join(dir, 'data.jsonl');
    await fs.writeFile(file, corpus().lines.join('\n') + '\n');
    // Dedup removes the exact copies only, so that split still has near-duplicates to find by signature.
    const dedup = { near: false, fields: ['output'] };
    const options = { ...OPTIONS, fields: ['output'] };
    const run = async (params: { index?: boolean; split?: Record<string, unknown> }) => {
      const out = await runJson(env, 'test-shard-dedup-split', { input: file, shards: SHARDS, dedup, split: options, ...params });
      expect(out.status).toBe('succeeded');
      return { runId: out.runId, dedup: out.step('dedup'), split: out.step('split') };
    };
    const digests = (step: StepJson) => SPLITS.map((s) => step.outputs[s]!.sha256);
    const withoutSource = ({ signatures: _signatures, ...rest }: Record<string, unknown>) => withoutTimes(rest);

    const reused = await run({});
    expect(reused.dedup.metadata).toMatchObject({ shards: SHARDS, dropped: { exact_duplicate: 30 } });
    expect(reused.split.metadata).toMatchObject({ shards: SHARDS, signatures: { source: 'dedup-index' } });
    const { signed } = await indexParts(reused.dedup.outputs.index!);
    expect(signed).toEqual({ sha256: reused.dedup.outputs.records!.sha256, first: 0, fields: ['output'] });

    // The same split without the index signs every shard, and assigns every record alike.
    const signing = await run({ index: false });
    expect(signing.dedup.status).toBe('cached'); // the cache holds the index that names the manifest
    expect(signing.dedup.outputs.index!.sha256).toBe(reused.dedup.outputs.index!.sha256);
    expect(signing.split.metadata.signatures).toEqual({ source: 'signed', why: 'no dedup index given' });
    expect(digests(reused.split)).toEqual(digests(signing.split));
    expect(withoutSource(reused.split.metadata)).toEqual(withoutSource(signing.split.metadata));
    // The near-duplicate pairs (60) and the conversations (30) were found from the index's signatures.
    expect((reused.split.metadata.clusters as { multi: number }).multi).toBeGreaterThanOrEqual(90);
    expect(reused.split.metadata.crossSplit).toEqual({ exactDuplicates: 0, nearDuplicates: 0, groups: 0 });

    // Split compares other fields than dedup did: the index does not fit, the shards sign.
    const otherFields = { ...options, fields: ['id', 'output'] };
    const mismatch = await run({ split: otherFields });
    expect(mismatch.split.metadata.signatures).toEqual({ source: 'signed', why: expect.stringContaining('fields: index ["output"], run ["id","output"]') });
    expect(digests(mismatch.split)).toEqual(digests((await run({ index: false, split: otherFields })).split));

    await expectFanOutHistory(reused.runId, { 'dedup.sign': SHARDS, 'dedup.finish': 1, 'split.gather': SHARDS, 'split.assign': 1 }, prose(5000, 120).slice(0, 40));
  });
});
