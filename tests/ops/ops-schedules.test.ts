import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { cli, testClient, useTestWorker } from '../support/harness.js';
import { listRuns } from '../../core/client/runs.js';
import { OPS_SCHEDULES } from '../../activities/ops/schedules.js';
import { waitFor } from '../triggers/support.js';
import { record, seedRoot, writeJsonl } from './seed-root.js';

const { env } = useTestWorker();
let conn: Awaited<ReturnType<typeof testClient>>;

beforeAll(async () => {
  conn = await testClient();
});

afterAll(async () => {
  await cli(['ops', 'remove'], env);
  await conn?.close();
});

async function ops(args: string[]): Promise<unknown> {
  const r = await cli(['ops', ...args, '--json'], env);
  if (r.code !== 0) throw new Error(`ops ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('forgeline ops', () => {
  test('install creates seed 004\'s five schedules with their cadences, is idempotent, and list/remove see only them', async () => {
    const root = await seedRoot();
    const first = (await ops(['install', '--root', root, '--paused'])) as { scheduleId: string; when: string; result: string }[];
    expect(first.map((r) => [r.scheduleId, r.when, r.result])).toEqual([
      ['ops-pii-scan-daily', 'cron "0 2 * * *"', 'created'],
      ['ops-dedup-weekly', 'cron "0 3 * * 0"', 'created'],
      ['ops-retrain-weekly', 'cron "0 4 * * 0"', 'created'],
      ['ops-audit-monthly', 'cron "0 5 1 * *"', 'created'],
      ['ops-retention-monthly', 'cron "0 6 1 * *"', 'created'],
    ]);
    // Plain Temporal Schedules of runPipeline: `schedule describe` (and the Web UI) show them.
    const pii = (await (async () => { const r = await cli(['schedule', 'describe', 'ops-pii-scan-daily', '--json'], env); return JSON.parse(r.stdout); })()) as { pipeline: string; params: { root: string }; paused: boolean };
    expect(pii).toMatchObject({ pipeline: 'ops-pii-scan', params: { root }, paused: true });
    const retrain = (JSON.parse((await cli(['schedule', 'describe', 'ops-retrain-weekly', '--json'], env)).stdout)) as { pipeline: string };
    expect(retrain.pipeline).toBe('relationship-coach');

    const again = (await ops(['install', '--root', root, '--paused'])) as { result: string }[];
    expect(again.map((r) => r.result)).toEqual(Array(5).fill('unchanged'));
    const listed = (await ops(['list'])) as { scheduleId: string; op: string; paused: boolean }[];
    expect(listed.map((r) => r.scheduleId).sort()).toEqual(OPS_SCHEDULES.map((s) => s.id).sort());

    // A changed install replaces only what changed.
    const other = await seedRoot();
    const changed = (await ops(['install', '--root', other, '--paused', '--only', 'audit'])) as { scheduleId: string; result: string }[];
    expect(changed).toEqual([expect.objectContaining({ scheduleId: 'ops-audit-monthly', result: 'replaced' })]);

    const bad = await cli(['ops', 'install', '--only', 'vacuum'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--only: unknown operation "vacuum"');

    const removed = (await ops(['remove'])) as { removed: string[] };
    expect(removed.removed.sort()).toEqual(OPS_SCHEDULES.map((s) => s.id).sort());
    expect(await ops(['list'])).toEqual([]);
  });

  test('the daily PII scan on a shortened clock: a leak fails the scheduled run and writes a report without the value; clean data passes', async () => {
    const root = await seedRoot();
    await writeJsonl(root, 'processed_data/instruction_following/v1_20261101.jsonl', [record(1, 'instruction_following', 'user_generated'), record(2, 'instruction_following', 'user_generated')]);
    const leak = record(3, 'edge_cases', 'synthetic', 8, 'Write to dana.leak@example.org when [Partner] is ready.');
    const leaky = await writeJsonl(root, 'synthetic_data/edge_cases/batch.jsonl', [record(4, 'edge_cases', 'synthetic'), leak]);
    // Every 2 s instead of daily: the schedule is the real one, its clock shortened.
    await ops(['install', '--root', root, '--only', 'pii-scan', '--every', '2s']);
    const failed = await waitFor('a failed scheduled PII scan', async () => {
      const runs = await listRuns(conn.client, { scheduleId: 'ops-pii-scan-daily' });
      return runs.find((r) => r.closedAt && r.temporalStatus === 'FAILED');
    }, 120_000, 500);
    expect(failed.pipeline).toBe('ops-pii-scan');
    const status = await cli(['status', failed.runId, '--json'], env);
    expect(status.stdout).toContain('pii_leak: 1 PII finding(s)');
    expect(status.stdout).toContain('synthetic_data/edge_cases/batch.jsonl:2 output (email)');
    expect(status.stdout).not.toContain('dana.leak');
    const logs = await readdir(path.join(root, 'logs'));
    const reportFile = logs.find((f) => /^pii_scan_\d{8}\.json$/.test(f))!;
    const report = await readFile(path.join(root, 'logs', reportFile), 'utf8');
    expect(JSON.parse(report)).toMatchObject({ records: 4, files: 2, leaks: 1, byType: { email: 1 }, findings: [{ file: 'synthetic_data/edge_cases/batch.jsonl', line: 2, field: 'output', type: 'email' }] });
    expect(report).not.toContain('dana.leak');

    // The leak removed, the next scheduled scan succeeds.
    await rm(leaky);
    await writeJsonl(root, 'synthetic_data/edge_cases/batch.jsonl', [record(4, 'edge_cases', 'synthetic')]);
    const since = new Date().toISOString();
    const passed = await waitFor('a succeeded scheduled PII scan', async () => {
      const runs = await listRuns(conn.client, { scheduleId: 'ops-pii-scan-daily' });
      return runs.find((r) => r.closedAt && r.startedAt > since && r.temporalStatus === 'COMPLETED');
    }, 120_000, 500);
    expect(passed.outcome).toBe('succeeded');
    await ops(['remove']);
  });
});
