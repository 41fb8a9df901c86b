import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cli, testClient, useTestWorker } from '../support/harness.js';
import { listRuns, type RunSummary } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { uniqueTag, waitFor } from './support.js';

const { env } = useTestWorker();
let conn: Awaited<ReturnType<typeof testClient>>;
const created: string[] = [];

beforeAll(async () => {
  conn = await testClient();
});

afterAll(async () => {
  for (const id of created) await cli(['schedule', 'delete', id], env);
  await conn?.close();
});

async function schedule(args: string[]): Promise<unknown> {
  const r = await cli(['schedule', ...args, '--json'], env);
  if (r.code !== 0) throw new Error(`schedule ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function create(id: string, args: string[]): Promise<void> {
  await schedule(['create', id, ...args]);
  created.push(id);
}

interface Described {
  overlap: string;
  catchupWindow: string;
  paused: boolean;
  actionsTaken: number;
  skippedOverlap: number;
  pipeline: string;
  params: Record<string, unknown>;
  recent: { runId: string }[];
  next: string[];
  spec: { cron?: string; every?: string; timezone: string };
}
const describeSchedule = async (id: string) => (await schedule(['describe', id])) as Described;

const runsOf = (id: string, n: number, closed = true) =>
  waitFor<RunSummary[]>(`${n} ${closed ? 'finished ' : ''}runs of schedule ${id}`, async () => {
    const runs = await listRuns(conn.client, { scheduleId: id });
    const done = closed ? runs.filter((r) => r.closedAt) : runs;
    return done.length >= n ? done : undefined;
  }, 90_000, 500);

describe('schedules', () => {
  test('create with --every: skip overlap and a one-day catch-up window by default; trigger starts the pipeline now', async () => {
    const id = `weekly-${uniqueTag()}`;
    await create(id, ['--pipeline', 'test-chain', '--params', JSON.stringify({ length: 2, tag: id }), '--every', '7d']);
    const d = await describeSchedule(id);
    expect(d).toMatchObject({ pipeline: 'test-chain', params: { length: 2, tag: id }, overlap: 'skip', catchupWindow: '1d', paused: false, actionsTaken: 0 });
    expect(d.spec.every).toBe('7d');
    expect(d.next.length).toBeGreaterThan(0);

    expect(await schedule(['trigger', id])).toEqual({ scheduleId: id, triggered: true });
    const [run] = await runsOf(id, 1);
    expect(run!.runId.startsWith(`${id}-`)).toBe(true);
    expect(run!.pipeline).toBe('test-chain');
    const result = (await conn.client.workflow.getHandle(run!.runId).result()) as RunState;
    expect(result.status).toBe('succeeded');
    expect(result.steps.map((s) => s.id)).toEqual(['s0', 's1']);
    const after = await describeSchedule(id);
    expect(after.actionsTaken).toBe(1);
    expect(after.recent.map((r) => r.runId)).toContain(run!.runId);

    const listed = (await schedule(['list'])) as { scheduleId: string; pipeline: string; spec: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ scheduleId: id, pipeline: 'test-chain', spec: 'every 7d' }));
  });

  test('a short interval fires by itself and starts the pipeline', async () => {
    const id = `every-${uniqueTag()}`;
    await create(id, ['--pipeline', 'test-chain', '--params', JSON.stringify({ length: 1, tag: id }), '--every', '2s']);
    const runs = await runsOf(id, 1);
    await schedule(['pause', id]);
    const result = (await conn.client.workflow.getHandle(runs[0]!.runId).result()) as RunState;
    expect(result.status).toBe('succeeded');
    expect((await describeSchedule(id)).actionsTaken).toBeGreaterThanOrEqual(1);
  });

  test('overlap skip: a trigger while a run of the schedule is still going is skipped', async () => {
    const id = `overlap-${uniqueTag()}`;
    await create(id, ['--pipeline', 'test-chain', '--params', JSON.stringify({ length: 1, ms: 120_000, tag: id }), '--cron', '0 3 * * 0', '--timezone', 'Europe/Berlin']);
    await schedule(['trigger', id]);
    const [first] = await runsOf(id, 1, false);
    await schedule(['trigger', id]);
    const d = await waitFor('the second trigger to be skipped', async () => {
      const x = await describeSchedule(id);
      return x.skippedOverlap >= 1 ? x : undefined;
    });
    expect(d.actionsTaken).toBe(1);
    expect(d.spec).toMatchObject({ cron: '0 3 * * 0', timezone: 'Europe/Berlin' });
    expect((await listRuns(conn.client, { scheduleId: id })).map((r) => r.runId)).toEqual([first!.runId]);
    await conn.client.workflow.getHandle(first!.runId).cancel();
  });

  test('pause, unpause, backfill of missed hours, delete', async () => {
    const id = `hourly-${uniqueTag()}`;
    await create(id, ['--pipeline', 'test-chain', '--params', JSON.stringify({ length: 1, tag: id }), '--cron', '0 * * * *', '--paused', '--catchup-window', '2h']);
    expect(await describeSchedule(id)).toMatchObject({ paused: true, catchupWindow: '2h' });
    await schedule(['unpause', id]);
    expect((await describeSchedule(id)).paused).toBe(false);
    await schedule(['pause', id]);
    expect((await describeSchedule(id)).paused).toBe(true);

    // Three hourly slots lie in [from, to): the backfill runs each of them once, one after another.
    const hour = 3_600_000;
    const top = Math.floor(Date.now() / hour) * hour;
    const from = new Date(top - 3 * hour + 60_000).toISOString();
    const to = new Date(top + 60_000).toISOString();
    expect(await schedule(['backfill', id, '--from', from, '--to', to])).toMatchObject({ scheduleId: id, overlap: 'buffer-all' });
    const runs = await runsOf(id, 3);
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(((await conn.client.workflow.getHandle(r.runId).result()) as RunState).status).toBe('succeeded');

    await schedule(['delete', id]);
    created.splice(created.indexOf(id), 1);
    const gone = await cli(['schedule', 'describe', id], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no schedule "${id}"`);
  });

  test('bad options are refused before anything is created, each named', async () => {
    const id = `bad-${uniqueTag()}`;
    const both = await cli(['schedule', 'create', id, '--pipeline', 'test-chain', '--cron', '0 * * * *', '--every', '1h'], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--cron/--every');
    const badParams = await cli(['schedule', 'create', id, '--pipeline', 'test-chain', '--every', '1h', '--params', '{"length":"three","colour":1}'], env);
    expect(badParams.code).toBe(1);
    expect(badParams.stderr).toContain('params.length');
    expect(badParams.stderr).toContain('colour');
    const badEvery = await cli(['schedule', 'create', id, '--pipeline', 'test-chain', '--every', 'weekly', '--timezone', 'Mars/Olympus'], env);
    expect(badEvery.code).toBe(1);
    expect(badEvery.stderr).toContain('--every');
    expect(badEvery.stderr).toContain('Mars/Olympus');
    const unknown = await cli(['schedule', 'create', id, '--pipeline', 'nope', '--every', '1h'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown pipeline "nope"');
    expect((await cli(['schedule', 'describe', id], env)).code).toBe(1);
  });
});
