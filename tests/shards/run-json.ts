import { expect } from '@jest/globals';
import fs from 'node:fs/promises';
import proto from '@temporalio/proto';
import { historySize } from '../../core/temporal/history-size.js';
import { fileURLToPath } from 'node:url';
import { cli, testClient } from '../support/harness.js';

/** What `forgeline run --wait --json` prints, as the sharded-stage tests read it. */
export interface Ref {
  uri: string;
  sha256: string;
  kind: string;
  records?: number;
}
export interface StepJson {
  id: string;
  status: string;
  outputs: Record<string, Ref>;
  metadata: Record<string, unknown>;
}
export interface RunJson {
  runId: string;
  status: string;
  error?: string;
  steps: StepJson[];
}

export const read = (ref: Ref): Promise<string> => fs.readFile(fileURLToPath(ref.uri), 'utf8');

/**
 * A dedup index read by hand (activities/dedup/index-file.ts: magic, uint32 header length, JSON
 * header, entries): its header without `signed`, `signed` itself, and the entries' bytes.
 */
export async function indexParts(ref: Ref): Promise<{ header: Record<string, unknown>; signed: unknown; body: Buffer }> {
  const buf = await fs.readFile(fileURLToPath(ref.uri));
  const end = 12 + buf.readUInt32LE(8);
  const { signed, ...header } = JSON.parse(buf.subarray(12, end).toString('utf8')) as Record<string, unknown>;
  return { header, signed, body: buf.subarray(end) };
}

/** A step's records output: the file, or its shards' files one after another. */
export async function recordsText(ref: Ref): Promise<string> {
  if (ref.kind !== 'shards') return read(ref);
  const manifest = JSON.parse(await read(ref)) as { shards: Ref[] };
  return (await Promise.all(manifest.shards.map(read))).join('');
}

/** Each record's shard (by its `id`): the shard step cuts a file's lines into `shards` near-equal contiguous runs (activities/shards/split-lines.ts). */
export function shardOfEachId(lines: string[], shards: number): Map<string, number> {
  const shardOf = new Map<string, number>();
  const start = (i: number) => Math.floor((i * lines.length) / shards);
  lines.forEach((line, j) => {
    let i = shards - 1;
    while (start(i) > j) i--;
    if (line) shardOf.set((JSON.parse(line) as { id: string }).id, i);
  });
  return shardOf;
}

/** Runs a pipeline to its end; a run the CLI reports as failed throws with the CLI's output. */
export async function runJson(env: NodeJS.ProcessEnv, pipeline: string, params: Record<string, unknown>, extra: string[] = []): Promise<RunJson & { step(id: string): StepJson }> {
  const res = await cli(['run', pipeline, '--params', JSON.stringify(params), '--wait', '--json', ...extra], env);
  if (res.code !== 0) throw new Error(`run failed (${res.code}): ${res.stdout}\n${res.stderr}`);
  const out = JSON.parse(res.stdout) as RunJson;
  return { ...out, step: (id) => out.steps.find((s) => s.id === id)! };
}

/**
 * A sharded run's history: the activities scheduled (by type, how many of each), every event's
 * payload under the 10 KB a history event may carry (issue 21), and no record text, only references.
 */
export async function expectFanOutHistory(runId: string, scheduled: Record<string, number>, recordText: string): Promise<void> {
  const { client, close } = await testClient();
  try {
    const history = await client.workflow.getHandle(runId).fetchHistory();
    const SCHEDULED = proto.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
    const types = (history.events ?? []).flatMap((e) => (e.eventType === SCHEDULED ? [e.activityTaskScheduledEventAttributes!.activityType!.name!] : []));
    for (const [type, count] of Object.entries(scheduled)) expect(types.filter((t) => t === type)).toHaveLength(count);
    expect(historySize(history).largestEventPayload.bytes).toBeLessThan(10 * 1024);
    expect(Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1')).not.toContain(recordText);
  } finally {
    await close();
  }
}
