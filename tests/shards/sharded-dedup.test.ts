import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { cli, useTestWorker } from '../support/harness.js';
import { edit, prose, tempDir } from '../dedup/stage-helpers.js';
import { expectFanOutHistory, indexParts, read, recordsText, runJson, type StepJson } from './run-json.js';

interface Reject {
  reason: string;
  near_duplicate_of: string;
  record: { id?: string; output: string };
}

const { env } = useTestWorker();
const SHARDS = 5;

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

async function dedup(input: string, shards: number): Promise<{ runId: string; step: StepJson; kept: string; rejects: string }> {
  const out = await runJson(env, 'test-shard-dedup', { input, shards });
  expect(out.status).toBe('succeeded');
  const step = out.step('dedup');
  return { runId: out.runId, step, kept: await recordsText(step.outputs.records!), rejects: await read(step.outputs.rejects!) };
}

/**
 * 300 records whose duplicates sit in other shards than their originals: exact copies (case and
 * spacing), single-word edits, and one cluster of 40 edits of the same text (more than the 32 that
 * the old representative shortcut compared). Every record has its own quality score, so each
 * cluster's survivor is its best record wherever the records sit; some records have no id.
 */
function corpus(): object[] {
  const rows: object[] = [];
  for (let i = 0; i < 200; i++) rows.push({ id: `u${i}`, instruction: 'Describe the scene.', input: '', output: prose(1000 + i) });
  const big = prose(7);
  for (let i = 0; i < 40; i++) rows.splice(7 * i + 3, 0, { id: `big${i}`, instruction: 'Describe the scene.', input: '', output: edit(big, 1, `b${i}x`) });
  for (let i = 0; i < 30; i++) rows.push({ instruction: 'Describe the scene.', input: '', output: (prose(1000 + 7 * i) + ' ').toUpperCase() });
  for (let i = 0; i < 30; i++) rows.push({ id: `e${i}`, instruction: 'Describe the scene.', input: '', output: edit(prose(1000 + 5 * i + 1), 1, `e${i}x`) });
  return rows.map((r, i) => ({ ...r, metadata: { quality_score: ((i * 7919) % 1009) / 100 } }));
}

/** The same lines, permuted within each of the `shards` contiguous runs that the shard step makes. */
function shuffleWithinShards(rows: string[], shards: number): string[] {
  const out: string[] = [];
  for (let s = 0; s < shards; s++) {
    const run = rows.slice(Math.floor((s * rows.length) / shards), Math.floor(((s + 1) * rows.length) / shards));
    let a = 12345 + s;
    for (let i = run.length - 1; i > 0; i--) {
      a = (a * 1103515245 + 12345) % 2147483648;
      const j = a % (i + 1);
      [run[i], run[j]] = [run[j]!, run[i]!];
    }
    out.push(...run);
  }
  return out;
}

/** Kept records and what each reject names as its survivor, by record text: independent of where the records sit. */
function outcome(kept: string, rejects: string) {
  const keptTexts = lines(kept).map((l) => (JSON.parse(l) as { output: string }).output).sort();
  const removed = lines(rejects).map((l) => {
    const r = JSON.parse(l) as Reject;
    return `${r.record.output} -> ${r.reason}`;
  });
  return { keptTexts, removed: removed.sort() };
}

describe('dedup on a sharded dataset', () => {
  it('equals the one-host dedup (survivors and rejects byte for byte), whatever the order within shards, with small payloads', async () => {
    const dir = await tempDir('forgeline-shard-dedup-');
    const rows = corpus().map((r) => JSON.stringify(r));
    const file = path.join(dir, 'data.jsonl');
    await fs.writeFile(file, rows.join('\n') + '\n');
    const shuffled = path.join(dir, 'shuffled.jsonl');
    await fs.writeFile(shuffled, shuffleWithinShards(rows, SHARDS).join('\n') + '\n');

    const single = await dedup(file, 0);
    const sharded = await dedup(file, SHARDS);
    expect(sharded.step.outputs.records!.kind).toBe('shards');
    expect(sharded.step.metadata.shards).toBe(SHARDS);
    // Clusters cross shards: the 40 edits and the copies at the end all join records of earlier shards.
    const dropped = single.step.metadata.dropped as Record<string, number>;
    expect(single.step.metadata.total).toBe(300);
    expect(dropped.exact_duplicate).toBeGreaterThanOrEqual(25);
    expect(dropped.near_duplicate).toBeGreaterThanOrEqual(60);
    expect(lines(single.kept).filter((l) => l.includes('"id":"big')).length).toBe(1);
    for (const k of ['total', 'kept', 'rejected', 'dropped', 'clusters', 'indexSize']) expect(sharded.step.metadata[k]).toEqual(single.step.metadata[k]);
    expect(sharded.kept).toBe(single.kept);
    expect(sharded.rejects).toBe(single.rejects);
    const [shardedIndex, singleIndex] = [await indexParts(sharded.step.outputs.index!), await indexParts(single.step.outputs.index!)];
    expect(shardedIndex.header).toEqual(singleIndex.header);
    expect(shardedIndex.body.equals(singleIndex.body)).toBe(true);
    expect(singleIndex.signed).toEqual({ sha256: single.step.outputs.records!.sha256, first: 0, fields: null });
    expect(shardedIndex.signed).toEqual({ sha256: sharded.step.outputs.records!.sha256, first: 0, fields: null });

    // The same records in another order within each shard: the same records survive, and every
    // removed record is removed for the same reason, on one host and on shards alike.
    const singleShuffled = await dedup(shuffled, 0);
    const shardedShuffled = await dedup(shuffled, SHARDS);
    expect(shardedShuffled.kept).toBe(singleShuffled.kept);
    expect(shardedShuffled.rejects).toBe(singleShuffled.rejects);
    expect(outcome(shardedShuffled.kept, shardedShuffled.rejects)).toEqual(outcome(single.kept, single.rejects));
    expect(single.kept).not.toBe(singleShuffled.kept);

    await expectFanOutHistory(sharded.runId, { 'dedup.sign': SHARDS, 'dedup.bucket': SHARDS, 'dedup.cluster': 1, 'dedup.write': SHARDS, 'dedup.finish': 1 }, prose(7).slice(0, 40));
  });

  it('refuses what it cannot do on shards yet (semantic dedup), naming the option', async () => {
    const file = path.join(await tempDir('forgeline-shard-dedup-'), 'data.jsonl');
    await fs.writeFile(file, corpus().slice(0, 20).map((r) => JSON.stringify(r)).join('\n') + '\n');
    const params = { input: file, shards: 2, dedup: { semantic: { model: 'encoder.onnx', vocabSize: 100 } } };
    const res = await cli(['run', 'test-shard-dedup', '--params', JSON.stringify(params), '--wait', '--json'], env);
    expect(res.code).not.toBe(0);
    expect(res.stdout + res.stderr).toContain('dedup on a shard manifest does not take semantic dedup yet');
  });
});
