import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { useTestWorker } from '../support/harness.js';
import { prose, tempDir } from '../dedup/stage-helpers.js';
import { expectFanOutHistory, read, runJson, shardOfEachId, type Ref, type StepJson } from './run-json.js';

interface Row {
  id: string;
  category: string;
  text: string;
  picked?: string;
}

const { env } = useTestWorker();
const SHARDS = 4;
// chat and code give distinct records (100 of 300 and 100 of 150); math, 40 records for 200, is oversampled 5x.
const MIX = { weights: { chat: 1, code: 1, math: 2 }, total: 400, seed: 7, tagField: 'picked', chunkRecords: 150 };

const rowsOf = (text: string): Row[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);

async function mix(input: string, shards: number, extra: string[] = [], options: Record<string, unknown> = MIX): Promise<{ runId: string; analyze: StepJson; mix: StepJson; shard?: StepJson; after: StepJson }> {
  const out = await runJson(env, 'test-shard-mix', { input, shards, field: 'category', mix: options }, extra);
  expect(out.status).toBe('succeeded');
  return { runId: out.runId, analyze: out.step('analyze'), mix: out.step('mix'), shard: out.step('shard'), after: out.step('after') };
}

/** 490 records in three uneven categories, math only near the end; 150 blank lines after the first 40 make shard 0 hold far fewer records than the others. */
function corpus(): string[] {
  const rows: Row[] = [];
  for (let i = 0; i < 300; i++) rows.push({ id: `chat${i}`, category: 'chat', text: prose(100 + i, 12) });
  for (let i = 0; i < 150; i++) rows.splice(2 * i + 1, 0, { id: `code${i}`, category: 'code', text: prose(700 + i, 12) });
  for (let i = 0; i < 40; i++) rows.push({ id: `math${i}`, category: 'math', text: prose(900 + i, 12) });
  const lines = rows.map((r) => JSON.stringify(r));
  lines.splice(40, 0, ...Array<string>(150).fill(''));
  return lines;
}

describe('analyze and mix on a sharded dataset', () => {
  it('draws each bucket its exact count from every shard, shuffled across shards into one records output, as the one-host mix reports, with small payloads', async () => {
    const dir = await tempDir('forgeline-shard-mix-');
    const lines = corpus();
    const file = path.join(dir, 'data.jsonl');
    await fs.writeFile(file, lines.join('\n') + '\n');

    const single = await mix(file, 0);
    const sharded = await mix(file, SHARDS);
    const manifest = JSON.parse(await read(sharded.shard!.outputs.shards!)) as { shards: Ref[] };
    const counts = manifest.shards.map((s) => s.records!);
    expect(Math.min(...counts) * 2).toBeLessThan(Math.max(...counts));

    // analyze adds its shards' counts into the one-host manifest, whose buckets read the shard manifest.
    expect(sharded.analyze.metadata.shards).toBe(SHARDS);
    const buckets = async (step: StepJson) => (JSON.parse(await read(step.outputs.manifest!)) as { buckets: { source: { artifact: Ref } }[] }).buckets;
    const [one, many] = [await buckets(single.analyze), await buckets(sharded.analyze)];
    expect(many.map(({ source: _s, ...b }) => b)).toEqual(one.map(({ source: _s, ...b }) => b));
    expect(many.every((b) => b.source.artifact.sha256 === sharded.shard!.outputs.shards!.sha256)).toBe(true);

    // The mix fans out over the shards and reports what the one-host mix reports.
    expect(sharded.mix.metadata.shards).toBe(SHARDS);
    expect(sharded.mix.outputs.records!.kind).toBe('records');
    const report = async (step: StepJson) => JSON.parse(await read(step.outputs.report!)) as Record<string, unknown>;
    expect(await report(sharded.mix)).toEqual(await report(single.mix));
    expect(await report(sharded.mix)).toMatchObject({ total: 400, oversampled: ['math'] });

    const drawn = rowsOf(await read(sharded.mix.outputs.records!));
    expect(drawn).toHaveLength(400);
    const byBucket = (b: string) => drawn.filter((r) => r.picked === b);
    expect(drawn.every((r) => r.picked === r.category)).toBe(true);
    expect([byBucket('chat').length, byBucket('code').length, byBucket('math').length]).toEqual([100, 100, 200]);
    // Distinct records while a bucket can give them, drawn from every shard in proportion to what it holds.
    for (const b of ['chat', 'code']) expect(new Set(byBucket(b).map((r) => r.id)).size).toBe(100);
    const shardOf = shardOfEachId(lines, SHARDS);
    const chatShards = new Set(byBucket('chat').map((r) => shardOf.get(r.id)));
    expect(chatShards.size).toBeGreaterThanOrEqual(3);
    // The oversampled bucket repeats every one of its 40 records (5 times each, as 200/40).
    const mathTimes = new Map<string, number>();
    for (const r of byBucket('math')) mathTimes.set(r.id, (mathTimes.get(r.id) ?? 0) + 1);
    expect(mathTimes.size).toBe(40);
    expect(new Set(mathTimes.values())).toEqual(new Set([5]));
    // Shuffled across shards and buckets: the first 50 hold every bucket and more than one shard.
    expect(new Set(drawn.slice(0, 50).map((r) => r.picked)).size).toBe(3);
    expect(new Set(drawn.slice(0, 50).map((r) => shardOf.get(r.id))).size).toBeGreaterThan(1);
    // A step after mix reads its output as records, as train does.
    expect(sharded.after.outputs.records!.records).toBe(400);

    // Deterministic: run again without the cache, every unit writes the same bytes.
    const again = await mix(file, SHARDS, ['--no-cache']);
    expect(again.mix.status).toBe('succeeded');
    expect(again.mix.outputs.records!.sha256).toBe(sharded.mix.outputs.records!.sha256);
    // And the whole step is cached under the manifest's digest.
    const cached = await mix(file, SHARDS);
    expect(cached.mix.status).toBe('cached');

    await expectFanOutHistory(sharded.runId, { 'shard.analyze': SHARDS, 'mix.count': SHARDS, 'mix.allocate': 1, 'mix.draw': SHARDS, 'mix.finish': 1 }, prose(100, 12).slice(0, 40));
  });

  it("pools every record once with total 'all' on shards, as on one host", async () => {
    const dir = await tempDir('forgeline-shard-pool-');
    const file = path.join(dir, 'data.jsonl');
    await fs.writeFile(file, corpus().join('\n') + '\n');
    const pool = { weights: { chat: 1, code: 1, math: 1 }, total: 'all', tagField: 'picked', seed: 3 };
    const [single, sharded] = [await mix(file, 0, [], pool), await mix(file, SHARDS, [], pool)];
    expect(sharded.mix.metadata.shards).toBe(SHARDS);
    const report = async (step: StepJson) => JSON.parse(await read(step.outputs.report!)) as Record<string, unknown>;
    expect(await report(sharded.mix)).toEqual(await report(single.mix));
    expect(await report(sharded.mix)).toMatchObject({ total: 490, oversampled: [] });
    const drawn = rowsOf(await read(sharded.mix.outputs.records!));
    expect(new Set(drawn.map((r) => r.id)).size).toBe(490);
    expect([300, 150, 40]).toEqual(['chat', 'code', 'math'].map((b) => drawn.filter((r) => r.picked === b).length));
  }, 5 * 60_000);
});

