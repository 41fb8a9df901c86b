import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { asDiskFull, PipelineError } from '../../core/errors.js';
import { RecordsWriter } from '../../core/stage/records-io.js';
import { runStage } from '../../core/stage/run.js';
import { stageAt } from '../../core/stage/stage.js';
import { diskFullRetryDelayMs, stepFailure } from '../../activities/execute/step-failure.js';
import { volumeWithFree } from '../support/full-volume.js';
import { testEnv } from '../support/harness.js';
import { CLI } from '../support/paths.js';

async function tmp(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `forgeline-${prefix}-`));
}

const record = (i: number) => ({ i, text: `record number ${i} with a few words of text` });

describe('a full disk', () => {
  it('fails a store writer with DISK_FULL naming its file while it waits for drain, and abort leaves no temp file', async () => {
    const root = await tmp('full');
    const store = new LocalArtifactStore(root, { fs: volumeWithFree(20_000) });
    const w = await RecordsWriter.open(store);
    let error: unknown;
    try {
      for (let i = 0; i < 20_000; i++) await w.write(record(i));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PipelineError);
    const e = error as PipelineError;
    expect(e.code).toBe('DISK_FULL');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/disk full \(ENOSPC\) writing .*\.tmp\/[0-9a-f-]+\.jsonl; \d+ more bytes needed/);
    await w.abort();
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('fails a commit whose last bytes do not fit, and removes the temp file itself', async () => {
    const root = await tmp('full');
    const store = new LocalArtifactStore(root, { fs: volumeWithFree(500) });
    const w = await RecordsWriter.open(store);
    // Under the writer's 64 KB batch: nothing reaches the file before commit.
    for (let i = 0; i < 100; i++) await w.write(record(i));
    await expect(w.commit('test')).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
    expect((await readdir(root)).filter((d) => d !== '.tmp')).toEqual([]);
  });

  it('fails a curation stage (in process and in worker threads) with DISK_FULL instead of hanging', async () => {
    const dir = await tmp('full-stage');
    const input = path.join(dir, 'in.jsonl');
    await writeFile(input, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ instruction: `question ${i}`, response: `answer ${i} `.repeat(20) })).join('\n') + '\n');
    for (const threads of [1, 2]) {
      const run = runStage({
        stage: stageAt('../../activities/curation/validate/validator.js', import.meta.url),
        options: {},
        source: 'in.jsonl',
        input: { file: input },
        threads,
        keptPath: path.join(dir, `kept-${threads}.jsonl`),
        rejectsPath: path.join(dir, `rejects-${threads}.jsonl`),
        sinkFs: volumeWithFree(50_000),
      });
      // One volume under both sinks: whichever writes the byte that does not fit is named.
      await expect(run).rejects.toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(new RegExp(`(kept|rejects)-${threads}\\.jsonl`)) });
    }
  });

  it('rejects a writer whose stream failed while nobody waited on it, instead of crashing or hanging', async () => {
    const dir = await tmp('gone');
    // The open fails (no such folder) while the writer holds its first record in memory.
    const w = RecordsWriter.toFile(path.join(dir, 'missing', 'out.jsonl'));
    await w.write({ a: 1 });
    await new Promise((r) => setTimeout(r, 50));
    await expect(w.close()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is retryable for Temporal with a longer wait than a flaky call gets, also from a bare ENOSPC', () => {
    const bare = Object.assign(new Error('ENOSPC: no space left on device, copyfile'), { code: 'ENOSPC', dest: '/state/artifacts/.tmp/x.jsonl' });
    const mapped = asDiskFull(bare) as PipelineError;
    expect(mapped.code).toBe('DISK_FULL');
    expect(mapped.message).toContain('/state/artifacts/.tmp/x.jsonl');
    expect(asDiskFull(Object.assign(new Error('quota'), { code: 'EDQUOT' }), { path: 'f', needed: 12 })).toMatchObject({ message: expect.stringContaining('disk quota exceeded (EDQUOT) writing f; 12 more bytes needed') });
    const other = new Error('EACCES');
    expect(asDiskFull(other)).toBe(other);
    for (const thrown of [mapped, bare]) {
      const failure = stepFailure(thrown, 2) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('DISK_FULL');
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBe(diskFullRetryDelayMs(2));
    }
    expect(diskFullRetryDelayMs(1)).toBeLessThan(diskFullRetryDelayMs(2));
    expect(diskFullRetryDelayMs(20)).toBe(5 * 60_000);
    expect((stepFailure(new PipelineError('INVALID_PARAMS', 'bad'), 1) as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('a write error in `forgeline stage` exits 1 with one line naming the file, and leaves no temp file', async () => {
    // The nearest a test gets to a full disk without root: a file-size limit (`ulimit -f`, in KB
    // blocks) fails the stage's output write with EFBIG (Node ignores SIGXFSZ), through the same
    // stream error path as ENOSPC. Before, the writer waited for 'close' forever: exit 13, nothing said.
    const dir = await tmp('fsize');
    const input = path.join(dir, 'in.jsonl');
    await writeFile(input, Array.from({ length: 6000 }, (_, i) => JSON.stringify({ instruction: `question number ${i}`, input: '', output: `answer number ${i}` })).join('\n') + '\n');
    const env = await testEnv();
    const res = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'ulimit -f 100 && exec "$0" "$@"', process.execPath, CLI, 'stage', 'validate', '--in', input, '--out', path.join(dir, 'out.jsonl')], { env });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stderr }));
    });
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('forgeline stage:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^forgeline stage: cannot write .*\.tmp\/[0-9a-f-]+\.jsonl: EFBIG/);
    expect(await readdir(path.join(env.FORGELINE_HOME!, 'artifacts', '.tmp'))).toEqual([]);
  });
});
