import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { cli, testClient, testEnv, startWorker, type RunningWorker } from '../support/harness.js';
import { TEST_PIPELINES, DIST } from '../support/paths.js';
import { startRun } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { seedRoot, writeJsonl } from './seed-root.js';

let env: NodeJS.ProcessEnv;
let worker: RunningWorker;
let conn: Awaited<ReturnType<typeof testClient>>;

beforeAll(async () => {
  env = await testEnv({ FORGELINE_PIPELINES: [TEST_PIPELINES, path.join(DIST, 'tests/ops/pipelines')].join(path.delimiter) });
  worker = await startWorker(env);
  conn = await testClient(env);
});

afterAll(async () => {
  await worker?.stop();
  await conn?.close();
});

const exists = (file: string) => stat(file).then(() => true, () => false);
const fileOf = (uri: string) => uri.replace(/^file:\/\//, '');
const rec = (id: string, output: string) => ({ id, instruction: `question ${id}`, input: '', output });

interface Report {
  runs: string[];
  datasets: { digest: string; action: string }[];
  files: { file: string; removed: number | 'file' }[];
  modelsToRetrain: { name?: string; how: string; quantization?: string }[];
}

async function forget(args: string[]): Promise<Report> {
  const r = await cli(['ops', 'forget', ...args, '--json'], env);
  if (r.code !== 0) throw new Error(`ops forget failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

describe('deletion by source (data subject requests)', () => {
  test('forgetting a record deletes it from the source, the data folder and every stored dataset that holds it, and lists the models to retrain', async () => {
    const root = await seedRoot();
    const source = await writeJsonl(root, 'raw_data/conversations/export_20261201.jsonl', [
      rec('u-1', 'a long enough answer about planning a date night together'),
      rec('u-2', 'another long answer about listening before replying to a partner'),
      rec('u-gone', 'ok fine'),
    ]);
    const other = await writeJsonl(root, 'raw_data/feedback/votes_20261201.jsonl', [rec('v-1', 'a long answer from another source entirely, kept')]);
    const processed = await writeJsonl(root, 'processed_data/instruction_following/v1_20261201.jsonl', [rec('u-gone', 'ok fine'), rec('u-1', 'a long enough answer about planning a date night together')]);
    // An archived (gzipped, seed 004 line 189) older export that holds the record too.
    const archived = path.join(root, 'archive/raw_data/conversations/export_20260801.jsonl.gz');
    await writeJsonl(root, 'archive/raw_data/conversations/export_20260801.jsonl.gz', []);
    await writeFile(archived, gzipSync([rec('u-gone', 'ok fine'), rec('u-0', 'an old answer that stays in the archive')].map((r) => JSON.stringify(r)).join('\n') + '\n'));
    const runId = await startRun(conn.client, { pipeline: 'test-ops-forget', params: { input: source, other } });
    const state = (await conn.client.workflow.getHandle(runId).result()) as RunState;
    const out = (id: string, name: string) => state.steps.find((s) => s.id === id)!.outputs[name]!;
    expect(out('long', 'records').records).toBe(2);

    // The registry under seed 004's model names (line 119); the stand-ins record no base model, so --base names it.
    const names = JSON.parse((await cli(['ops', 'names', '--project', 'better-together-llm', '--base', 'smollm2-135m', '--json'], env)).stdout) as { model: string; seedName: string }[];
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(names.find((n) => n.model === 'coach-all')?.seedName).toBe(`better-together-llm-v1-${day}-smollm2-135m`);

    const report = await forget([source, '--record', 'u-gone', '--root', root]);
    expect(report.runs).toEqual([runId]);
    // The loaded dataset held the record: deleted. The filtered one never did: kept, and so is what was trained on it.
    expect(report.datasets).toEqual(expect.arrayContaining([
      { digest: out('load', 'records').sha256, records: 3, action: 'deleted' },
      { digest: out('long', 'records').sha256, records: 2, action: 'kept' },
    ]));
    expect(await exists(fileOf(out('load', 'records').uri))).toBe(false);
    expect(await exists(fileOf(out('long', 'records').uri))).toBe(true);
    // coach-long, trained on the long records only, and other-model are not to retrain.
    expect(report.modelsToRetrain.map((m) => [m.name, m.how, m.quantization]).sort()).toEqual([
      ['coach-all', 'trained', undefined],
      ['test-ops-forget/quantize', 'converted', 'Q4_K_M'],
    ]);
    expect(report.files).toEqual([
      { file: source, removed: 1 },
      { file: 'processed_data/instruction_following/v1_20261201.jsonl', removed: 1 },
      { file: 'archive/raw_data/conversations/export_20260801.jsonl.gz', removed: 1 },
    ]);
    const archive = gunzipSync(await readFile(archived)).toString();
    expect(archive).not.toContain('u-gone');
    expect(archive).toContain('u-0');
    const left = (await readFile(source, 'utf8')) + (await readFile(processed, 'utf8'));
    expect(left).not.toContain('u-gone');
    expect(left).toContain('u-1');

    // A record that is not in the file is an error naming it, and deletes nothing.
    const missing = await cli(['ops', 'forget', source, '--record', 'u-404'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no record with id "u-404"');

    // The whole other file: every model built from it.
    const whole = await forget([other]);
    expect(whole.modelsToRetrain.map((m) => m.name)).toEqual(['other-model']);
    expect(whole.files).toEqual([{ file: other, removed: 'file' }]);
    expect(await exists(other)).toBe(false);
    expect(await exists(fileOf(out('load-other', 'records').uri))).toBe(false);
  });
});
