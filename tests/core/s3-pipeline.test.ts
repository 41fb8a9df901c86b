import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { sha256File } from '../../core/artifacts/hash.js';
import { parseS3Uri } from '../../core/artifacts/s3/object.js';
import { statePaths } from '../../core/config.js';
import type { RunFolderEntry } from '../../core/runs/folder.js';
import { cli, startWorker, testClient, testEnv, type RunningWorker } from '../support/harness.js';
import { startSeaweedFs, type TestS3 } from '../support/seaweedfs.js';

const digests = (s: RunSnapshot) =>
  Object.fromEntries(s.state!.steps.map((st) => [st.id, Object.fromEntries(Object.entries(st.outputs).map(([k, r]) => [k, r.sha256]))]));

/** The smoke pipeline through the real Temporal harness, its artifacts in a real SeaweedFS bucket. */
describe('a pipeline run with FORGELINE_ARTIFACTS=s3://...', () => {
  let s3: TestS3;
  let env: NodeJS.ProcessEnv;
  let worker: RunningWorker;
  beforeAll(async () => {
    s3 = await startSeaweedFs();
    env = await testEnv(s3.env(`run-${Date.now()}`));
    worker = await startWorker(env);
  }, 150_000);
  afterAll(async () => {
    await worker?.stop();
    await s3?.stop();
  });

  async function smoke() {
    const { client, close } = await testClient();
    try {
      return await awaitRun(client, await startRun(client, { pipeline: 'smoke', params: {} }));
    } finally {
      await close();
    }
  }

  it('writes every output to the bucket, and an identical rerun is a cache hit verified against the objects', async () => {
    const first = await smoke();
    expect(first.temporalStatus).toBe('COMPLETED');
    expect(first.state!.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const uris = first.state!.steps.flatMap((s) => Object.values(s.outputs).map((r) => r.uri));
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toMatch(new RegExp(`^s3://${s3.bucket}/run-\\d+/[0-9a-f]{64}`));
    // Nothing went to the local store's folder.
    await expect(fs.readdir(statePaths(env.FORGELINE_HOME!).artifacts)).rejects.toMatchObject({ code: 'ENOENT' });

    const second = await smoke();
    expect(second.state!.steps.map((s) => s.status)).toEqual(second.state!.steps.map(() => 'cached'));
    expect(digests(second)).toEqual(digests(first));

    // Damage one output in the bucket and drop the worker's local copies: the cache entry no longer
    // verifies, so that step runs again and writes the true bytes back under the same name.
    const clean = first.state!.steps.find((s) => s.id === 'clean')!.outputs.records!;
    const { key } = parseS3Uri(clean.uri);
    await s3.client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: '{"tampered":true}\n' }));
    await fs.rm(statePaths(env.FORGELINE_HOME!).artifactCache, { recursive: true, force: true });
    const third = await smoke();
    const status = Object.fromEntries(third.state!.steps.map((s) => [s.id, s.status]));
    expect(status.clean).toBe('succeeded');
    expect(status.load).toBe('cached');
    expect(digests(third)).toEqual(digests(first));
  }, 240_000);

  it("`run --wait` fetches the run's outputs from the bucket into its folder; a host without the S3 store lists their keys", async () => {
    // A CLI host of its own: a fresh state folder, the same bucket.
    const cliEnv: NodeJS.ProcessEnv = { ...env, FORGELINE_HOME: await fs.mkdtemp(path.join(path.dirname(env.FORGELINE_HOME!), 'forgeline-cli-')) };
    const res = await cli(['run', 'smoke', '--wait', '--json'], cliEnv);
    expect(res.code).toBe(0);
    const { runId, folder } = JSON.parse(res.stdout) as { runId: string; folder: string };
    const listed = JSON.parse(await fs.readFile(path.join(folder, 'outputs.json'), 'utf8')) as { outputs: RunFolderEntry[] };
    expect(listed.outputs.length).toBeGreaterThan(5);
    for (const o of listed.outputs) {
      expect(o.uri).toMatch(new RegExp(`^s3://${s3.bucket}/`));
      expect(o.link).toBe('hard');
      // The bytes the bucket holds, through the CLI host's own digest-checked local copies.
      expect(await sha256File(path.join(folder, o.name))).toEqual({ sha256: o.sha256, bytes: o.bytes });
    }
    // Evicting the local copies leaves the folder whole.
    const report = listed.outputs.find((o) => o.name === 'report.html')!;
    await fs.rm(statePaths(cliEnv.FORGELINE_HOME!).artifactCache, { recursive: true });
    expect(await sha256File(path.join(folder, report.name))).toEqual({ sha256: report.sha256, bytes: report.bytes });

    // Without FORGELINE_ARTIFACTS the CLI has no way to the bucket: each output is listed with its key.
    const noS3 = { ...cliEnv };
    delete noS3.FORGELINE_ARTIFACTS;
    await fs.rm(folder, { recursive: true });
    const plain = await cli(['artifacts', runId], noS3);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`run.report (not on this host: ${report.uri})`);
  }, 120_000);
});
