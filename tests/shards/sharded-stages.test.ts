import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';
import { historySize } from '../../core/temporal/history-size.js';
import { testClient, useTestWorker } from '../support/harness.js';
import { REPO_ROOT } from '../support/paths.js';
import { tempDir } from '../curation/support/stage.js';
import { read, recordsText, runJson } from './run-json.js';

const { env } = useTestWorker();
const EventType = proto.temporal.api.enums.v1.EventType;

const run = (params: Record<string, unknown>, extra: string[] = []) => runJson(env, 'test-shards', params, extra);

/** A messy file: good and poor records, personal data, a secret, blank and broken lines. */
async function messyFile(): Promise<string> {
  const labelled = (await fs.readFile(path.join(REPO_ROOT, 'tests/fixtures/quality/labelled.jsonl'), 'utf8')).trim().split('\n');
  const lines = labelled.map((l) => JSON.stringify((JSON.parse(l) as { record: unknown }).record));
  const prose = 'Plan a quiet evening together, put the phones away and talk about the week, so that both of you feel heard and rested.';
  lines.splice(5, 0, JSON.stringify({ instruction: 'Reach me', input: '', output: `Write to sarah.j@example.org. ${prose}` }));
  lines.splice(12, 0, '', '{"instruction": "broken", "output": ');
  lines.splice(30, 0, JSON.stringify({ instruction: 'Key', input: '', output: `Use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 here. ${prose}` }));
  lines.push(lines[0]!);
  const file = path.join(await tempDir('forgeline-shards-'), 'raw.jsonl');
  await fs.writeFile(file, lines.join('\n') + '\n');
  return file;
}

/** The record files in the store (the state folder's artifacts). */
async function recordFiles(): Promise<string[]> {
  const dir = path.join(env.FORGELINE_HOME!, 'artifacts');
  return (await fs.readdir(dir, { recursive: true })).filter((f) => f.endsWith('.jsonl')).sort();
}

const counts = (m: Record<string, unknown>) => ({ total: m.total, kept: m.kept, rejected: m.rejected, dropped: m.dropped });

describe('sharded record stages on the embedded Temporal', () => {
  it('fans pii and score out one activity per shard; the outputs equal the one-host run, and every payload stays small', async () => {
    const input = await messyFile();
    const pii = { operators: { secret: 'drop' } };
    const single = await run({ input, pii });
    // 18 shards: more than one merge's fan-in (16), so the merge tree is exercised too.
    const sharded = await run({ input, pii, shards: 18 });
    expect(single.status).toBe('succeeded');
    expect(sharded.status).toBe('succeeded');

    for (const id of ['pii', 'score']) {
      const [a, b] = [single.step(id), sharded.step(id)];
      expect(b.outputs.records!.kind).toBe('shards');
      expect(b.metadata.shards).toBe(18);
      expect(counts(b.metadata)).toEqual(counts(a.metadata));
      // Contiguous shards, read in order, are the one-host output byte for byte: kept records and rejects.
      expect(await recordsText(b.outputs.records!)).toBe(await recordsText(a.outputs.records!));
      expect(await read(b.outputs.rejects!)).toBe(await read(a.outputs.rejects!));
      expect(b.outputs.rejects!.records).toBe(a.outputs.rejects!.records);
    }
    expect(sharded.step('pii').metadata.findings).toEqual(single.step('pii').metadata.findings);
    expect(sharded.step('score').metadata.threshold).toBe(single.step('score').metadata.threshold);
    expect(single.step('pii').metadata.rejected).toBeGreaterThan(0);
    expect(single.step('score').metadata.rejected).toBeGreaterThan(0);

    const { client, close } = await testClient();
    try {
      const history = await client.workflow.getHandle(sharded.runId).fetchHistory();
      const scheduled = (history.events ?? []).flatMap((e) => (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ? [e.activityTaskScheduledEventAttributes!] : []));
      const types = scheduled.map((a) => a.activityType!.name!);
      // One activity per shard and stage, through the normal task queue; then two merges of 16 and 2, and a finish.
      expect(types.filter((t) => t === 'shard.pii')).toHaveLength(18);
      expect(types.filter((t) => t === 'shard.score')).toHaveLength(18);
      expect(types.filter((t) => t === 'shards.merge')).toHaveLength(4);
      expect(new Set(scheduled.filter((a) => a.activityType!.name!.startsWith('shard')).map((a) => a.taskQueue!.name))).toEqual(new Set(['forgeline']));
      const size = historySize(history);
      expect(size.largestEventPayload.bytes).toBeLessThan(10 * 1024);
      // No record text in the history: references and counts only.
      expect(Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1')).not.toContain('quiet evening');
    } finally {
      await close();
    }

    // A second, uncached run writes the same shards: content-addressed outputs, so a rerun (as a
    // retried shard) overwrites the same files and adds no second copy of any record file.
    const before = await recordFiles();
    const again = await run({ input, pii, shards: 18 }, ['--no-cache']);
    expect(again.step('score').outputs.records!.sha256).toBe(sharded.step('score').outputs.records!.sha256);
    expect(await recordFiles()).toEqual(before);
    expect(again.step('score').status).toBe('succeeded');
    const cached = await run({ input, pii, shards: 18 });
    expect(cached.step('score').status).toBe('cached');
  });

  it('shards a raw file and fans validate out too, with the one-host counts', async () => {
    const input = await messyFile();
    const single = await run({ input });
    const sharded = await run({ input, shards: 4, shardFirst: true });
    expect(sharded.status).toBe('succeeded');
    expect(counts(sharded.step('validate').metadata)).toEqual(counts(single.step('validate').metadata));
    // Provenance names the shard and its line (docs/architecture.md); the records are otherwise the same.
    const strip = (text: string) => text.trim().split('\n').map((l) => {
      const { provenance: _p, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
    expect(strip(await recordsText(sharded.step('score').outputs.records!))).toEqual(strip(await recordsText(single.step('score').outputs.records!)));
  });
});
