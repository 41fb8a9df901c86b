import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { REPO_ROOT } from '../support/paths.js';
import { testClient, useTestWorker } from '../support/harness.js';

/** Issue 24, item 6: bad input inside a pipeline, where `read-jsonl` loads the user's file. */
const { env } = useTestWorker();

async function run(pipeline: string, params: Record<string, unknown>): Promise<RunSnapshot> {
  const { client, close } = await testClient();
  try {
    return await awaitRun(client, await startRun(client, { pipeline, params }));
  } finally {
    await close();
  }
}

const smokeLines = async (): Promise<string[]> => (await fs.readFile(path.join(REPO_ROOT, 'data/smoke.jsonl'), 'utf8')).split('\n').filter((l) => l.length > 0);
const step = (r: RunSnapshot, id: string) => r.state!.steps.find((s) => s.id === id)!;

describe('bad input in a pipeline', () => {
  it('a malformed JSON line fails the load, naming the file and the line', async () => {
    const lines = await smokeLines();
    lines[2] = lines[2]!.slice(0, -1);
    const file = path.join(env.FORGELINE_HOME!, 'malformed.jsonl');
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    const r = await run('smoke', { input: file });
    expect(r.temporalStatus).toBe('FAILED');
    expect(step(r, 'load').status).toBe('failed');
    expect(r.failure).toContain(`${file}:3: malformed JSON (`);
  });

  it('bytes that are not UTF-8 fail the load with the line and the offset, never replaced with U+FFFD', async () => {
    const lines = await smokeLines();
    const second = Buffer.from(lines[1]!);
    const at = second.indexOf('"output"') + 12;
    second[at] = 0xc3; // a lead byte without its continuation
    const file = path.join(env.FORGELINE_HOME!, 'not-utf8.jsonl');
    await fs.writeFile(file, Buffer.concat([Buffer.from(`${lines[0]}\n`), second, Buffer.from(`\n${lines.slice(2).join('\n')}\n`)]));
    const r = await run('smoke', { input: file });
    expect(r.temporalStatus).toBe('FAILED');
    expect(r.failure).toContain(`${file}:2: not valid UTF-8 (first bad byte at offset ${at})`);
  });

  it('a 0-byte input is warned about, and a training pipeline fails on its empty train split', async () => {
    const file = path.join(env.FORGELINE_HOME!, 'empty.jsonl');
    await fs.writeFile(file, '');
    const r = await run('test-train', { data: file, phases: [{ name: 'only', epochs: 1, learningRate: 1e-3 }], tag: `-empty-${Date.now()}` });
    expect(step(r, 'data').metadata).toMatchObject({ records: 0, warning: `${file}: the file is empty (0 bytes): no records to read` });
    expect(r.temporalStatus).toBe('FAILED');
    expect(step(r, 'train-only').status).toBe('failed');
    expect(r.failure).toContain('train: the train split is empty (0 records)');
  });
});
