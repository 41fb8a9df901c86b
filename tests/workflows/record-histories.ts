import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { awaitRun, decideApproval, startRun } from '../../core/client/runs.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import { statusQuery } from '../../workflows/definitions.js';
import { REPO_ROOT } from '../support/paths.js';

/** Where the recorded histories live, committed: tests/workflows/replay.test.ts replays them. */
export const HISTORIES_DIR = path.join(REPO_ROOT, 'tests/fixtures/histories');

/**
 * The runs whose histories make the replay net: each drives a different path through the
 * workflow's commands (timers, signals, retries, cancellation). Named as their fixture files.
 */
export const RECORDINGS: Record<string, (client: Client) => Promise<string>> = {
  /** Steps one after another: activities scheduled one per workflow task, lineage batches. */
  chain: (client) => finish(client, startRun(client, { pipeline: 'test-chain', params: { length: 3, tag: tag('chain') } })),
  /** A fan-out and a join: parallel activities, lineage of steps that finish together. */
  'fan-out': (client) => finish(client, startRun(client, { pipeline: 'test-parallel', params: { width: 4, ms: 300, tag: tag('fan') } })),
  /** An approval step: a timer and the `approval` signal, then the step's activity. */
  approval: async (client) => {
    const runId = await startRun(client, { pipeline: 'test-approval', params: { input: 'data/smoke.jsonl', timeout: '1h' } });
    await until(client, runId, (s) => s.steps.some((x) => x.id === 'review' && x.status === 'waiting'));
    await decideApproval(client, runId, { step: 'review', decision: 'approve', by: 'recorder', note: 'fixture' });
    return finish(client, Promise.resolve(runId));
  },
  /** A step that fails twice and succeeds on its third attempt (the retries live in the activity's last attempt). */
  retry: (client) => finish(client, startRun(client, { pipeline: 'test-failures', params: { flakyFailures: 2, siblingMs: 0, tag: tag('retry') } })),
  /** A step that fails for good: its running sibling is cancelled, the run fails and is still reported. */
  failure: (client) =>
    finish(client, startRun(client, { pipeline: 'test-failures', params: { flakyFailures: 0, permanentFailure: true, siblingMs: 30_000, tag: tag('fail') } })),
  /** The run cancelled while a step runs: the cancellation reaches the step, the report is still written. */
  cancel: async (client) => {
    const runId = await startRun(client, { pipeline: 'test-failures', params: { flakyFailures: 0, siblingMs: 60_000, tag: tag('cancel') } });
    await until(client, runId, (s) => s.steps.some((x) => x.id === 'sibling' && x.status === 'running'));
    await client.workflow.getHandle(runId).cancel();
    return finish(client, Promise.resolve(runId));
  },
};

/**
 * The fixtures' format: protobuf.js's object form with enums, 64-bit numbers and bytes as strings
 * (readable, and diffable). Not the SDK's historyToJSON: with two copies of protobufjs installed
 * (@temporalio/common's own), its proto3-JSON writer refuses the History type ("type must be a Type").
 */
const History = proto.temporal.api.history.v1.History;
const FORMAT = { longs: String, enums: String, bytes: String } as const;

/** A recorded history, as the replay worker takes it. */
export async function readHistory(file: string): Promise<proto.temporal.api.history.v1.History> {
  return History.fromObject(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>);
}

/** Runs every recording on the worker that `client`'s namespace is served by, and writes its history. */
export async function recordHistories(client: Client): Promise<void> {
  for (const [name, record] of Object.entries(RECORDINGS)) {
    const runId = await record(client);
    const history = await client.workflow.getHandle(runId).fetchHistory();
    await writeFile(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(History.toObject(History.fromObject(history), FORMAT), null, 1) + '\n');
  }
}

function tag(name: string): string {
  return `replay-${name}-${Date.now()}`;
}

async function finish(client: Client, started: Promise<string>): Promise<string> {
  const runId = await started;
  await awaitRun(client, runId);
  return runId;
}

async function until(client: Client, runId: string, ok: (s: RunState) => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const s = await client.workflow.getHandle(runId).query(statusQuery).catch(() => undefined);
    if (s && ok(s)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not reach the expected state in 30 s`);
}
