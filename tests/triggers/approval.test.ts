import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cli, testClient, useTestWorker } from '../support/harness.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { approvalSignal, statusQuery } from '../../workflows/definitions.js';
import { range, tempDir, waitFor, writeExamples } from './support.js';

const { env } = useTestWorker({ FORGELINE_USER: 'ci-user' });
let input: string;
let conn: Awaited<ReturnType<typeof testClient>>;

beforeAll(async () => {
  conn = await testClient();
  input = await writeExamples(await tempDir(), 'bucket.jsonl', range('rt', 0, 4));
});

afterAll(async () => {
  await conn?.close();
});

async function startApprovalRun(params: Record<string, unknown>): Promise<string> {
  const r = await cli(['run', 'test-approval', '--params', JSON.stringify({ input, ...params }), '--json'], env);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

const query = (runId: string) => conn.client.workflow.getHandle(runId).query<RunState>('status');
const waitingReview = (runId: string) =>
  waitFor(`run ${runId} to wait for approval`, async () => {
    const s = await query(runId);
    return s.steps.find((x) => x.id === 'review')?.status === 'waiting' ? s : undefined;
  });

/** The step's row in the plain-text `forgeline status <run>` table. */
async function statusRow(runId: string, stepId: string): Promise<string | undefined> {
  const r = await cli(['status', runId], env);
  return r.stdout.split('\n').find((l) => l.startsWith(`${stepId} `));
}

describe('approval steps', () => {
  test('the signal and query names the client uses are the ones the workflow defines', () => {
    expect(approvalSignal.name).toBe('approval');
    expect(statusQuery.name).toBe('status');
  });

  test('a run waits for approval, the status shows the wait, and approve lets it go on and records who and when', async () => {
    const runId = await startApprovalRun({ prompt: 'check the red-team bucket' });
    const waiting = await waitingReview(runId);
    const review = waiting.steps.find((s) => s.id === 'review')!;
    expect(review.approval).toMatchObject({ state: 'waiting', prompt: 'check the red-team bucket', onTimeout: 'reject' });
    expect(waiting.steps.find((s) => s.id === 'train')!.status).toBe('pending');
    // A run started by the CLI names its pipeline in the Web UI: the Summary and the memo.
    const described = await conn.client.workflow.getHandle(runId).describe();
    expect(await described.staticSummary()).toBe('pipeline test-approval');
    expect(described.memo).toMatchObject({ pipeline: 'test-approval' });

    const shown = await cli(['status', runId], env);
    expect(shown.stdout).toMatch(/review\s+approval\s+waiting .*waiting for approval until .*check the red-team bucket/);

    const ok = await cli(['approve', runId, 'review', '--note', 'looked at all 4', '--by', 'alice'], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('approved review');

    const done = await cli(['status', runId, '--watch', '--json'], env);
    const final = JSON.parse(done.stdout.trim().split('\n').pop()!) as { status: string; steps: { id: string; status: string; approval?: Record<string, unknown>; metadata: Record<string, unknown> }[] };
    expect(final.status).toBe('succeeded');
    const step = final.steps.find((s) => s.id === 'review')!;
    expect(step.status).toBe('succeeded');
    expect(step.approval).toMatchObject({ state: 'approved', decidedBy: 'signal', by: 'alice', note: 'looked at all 4' });
    expect(Date.parse(String(step.approval!.at))).toBeGreaterThan(Date.parse(String(review.startedAt)) - 1);
    expect(step.metadata).toMatchObject({ decision: 'approve', by: 'alice', records: 4 });
    // The plain status says who approved, when, and why, on the approval's own row.
    const row = await statusRow(runId, 'review');
    expect(row).toMatch(/^review\s+approval\s+succeeded\s/);
    expect(row).toContain(`approved by alice at ${String(step.approval!.at)}: looked at all 4`);
    expect(final.steps.find((s) => s.id === 'train')!.status).toBe('succeeded');
    expect(final.steps.find((s) => s.id === 'after')!.status).toBe('succeeded');

    // A second decision is refused by the CLI: the step is no longer open.
    const again = await cli(['reject', runId, 'review'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already approved by alice|has ended/);
  });

  test('reject ends the run as rejected, with who, why, and no training', async () => {
    const runId = await startApprovalRun({});
    await waitingReview(runId);
    const no = await cli(['reject', runId, 'review', '--note', 'two unsafe completions'], env);
    expect(no.code).toBe(0);
    const result = (await conn.client.workflow.getHandle(runId).result()) as RunState;
    expect(result.status).toBe('rejected');
    expect(result.haltReason).toContain('approval_rejected: rejected by ci-user (two unsafe completions)');
    const review = result.steps.find((s) => s.id === 'review')!;
    expect(review.status).toBe('rejected');
    expect(review.approval).toMatchObject({ state: 'rejected', by: 'ci-user', decidedBy: 'signal', note: 'two unsafe completions' });
    expect(await statusRow(runId, 'review')).toContain(`rejected by ci-user at ${String(review.approval!.at)}: two unsafe completions`);
    expect(result.steps.find((s) => s.id === 'train')!.status).toBe('skipped');
    expect(result.steps.find((s) => s.id === 'after')!.status).toBe('skipped');
  });

  test('when nobody answers, the timeout decides: reject by default, approve when configured', async () => {
    const rejected = await startApprovalRun({ timeout: '2s' });
    const approved = await startApprovalRun({ timeout: '2s', onTimeout: 'approve' });
    const r1 = (await conn.client.workflow.getHandle(rejected).result()) as RunState;
    const r2 = (await conn.client.workflow.getHandle(approved).result()) as RunState;
    expect(r1.status).toBe('rejected');
    expect(r1.steps.find((s) => s.id === 'review')!.approval).toMatchObject({ state: 'rejected', decidedBy: 'timeout', by: 'timeout' });
    expect(r1.haltReason).toContain('rejected by the timeout');
    expect(r1.steps.find((s) => s.id === 'train')!.status).toBe('skipped');
    expect(r2.status).toBe('succeeded');
    expect(r2.steps.find((s) => s.id === 'review')!.approval).toMatchObject({ state: 'approved', decidedBy: 'timeout' });
    // Same records as an earlier test: training may come from the step cache; either way it ran on.
    expect(['succeeded', 'cached']).toContain(r2.steps.find((s) => s.id === 'train')!.status);
  });

  test('approve names bad targets clearly: an unknown step, a step that is not an approval', async () => {
    const runId = await startApprovalRun({});
    await waitingReview(runId);
    const unknown = await cli(['approve', runId, 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no step "nope" (approval steps: review)');
    const notApproval = await cli(['approve', runId, 'train'], env);
    expect(notApproval.code).toBe(1);
    expect(notApproval.stderr).toContain('is a field-stats step, not an approval');
    // A signal sent around the CLI for a wrong step is noted and ignored by the workflow itself.
    await conn.client.workflow.getHandle(runId).signal(approvalSignal, { step: 'train', decision: 'approve', by: 'mallory' });
    await waitFor('the ignored signal to be noted', async () => ((await query(runId)).notes.some((n) => n.includes('ignored an approval signal for "train"')) ? true : undefined));
    expect((await query(runId)).steps.find((s) => s.id === 'review')!.status).toBe('waiting');
    await conn.client.workflow.getHandle(runId).cancel();
  });
});
