import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { statePaths } from '../../core/config.js';
import { ensureTemporalBinary } from '../../core/temporal/binary.js';
import { freePort, startDevServer, type DevServer } from '../../core/temporal/dev-server.js';
import { CPU_QUEUE, GPU_QUEUES } from '../../core/workflow-safe/queues.js';
import { startWorker, type RunningWorker } from '../support/harness.js';
import { createHosts, type NetHost, type NetHosts } from '../support/netns.js';
import { TEST_PIPELINES } from '../support/paths.js';
import { startSeaweedFs, WEED_BIN, type TestS3 } from '../support/seaweedfs.js';
import { activityHosts, hostOf, pendingActivity } from '../support/worker-history.js';

/**
 * The production topology on one machine (issue 21): three "hosts" made of network namespaces that
 * share nothing but Temporal and S3 on host A, reached only through A's address.
 * - A: the Temporal dev server and SeaweedFS;
 * - B: a CPU worker (queue `forgeline`: the workflow and the data stages);
 * - C: a worker on the GPU queue `gpu-cuda` (training, quantization, evaluation), on CPU here.
 * Each worker has a state folder and temp folder of its own; artifacts move only through the bucket.
 * The pipeline (tests/pipelines/test-hosts.ts) generates from templates, curates, trains a tiny
 * model with llama.cpp, quantizes it and evaluates it, with `device: cuda`.
 */
const PIPELINE = 'test-hosts';
/** B's steps. `hold` sleeps 4 s beside the data steps, which take a fraction of a second each on an idle machine: the kill lands in it for sure. */
const CPU_STEPS = ['hold', 'generate', 'validate', 'pii', 'score', 'dedup', 'split', 'analyze', 'mix', 'base-model'];

/**
 * Every output's digest but the reports': a report records how long things took, so two runs'
 * reports differ even when nothing was killed (seen on two uninterrupted runs here). Datasets and
 * models must be the same bytes.
 */
const digests = (s: RunSnapshot) =>
  Object.fromEntries(s.state!.steps.map((st) => [st.id, Object.fromEntries(Object.entries(st.outputs).filter(([, r]) => r.kind !== 'report').map(([k, r]) => [k, r.sha256]))]));

describe('three hosts in network namespaces: Temporal and S3 on A, a CPU worker on B, a GPU-queue worker on C', () => {
  let net: NetHosts;
  let a: NetHost, b: NetHost, c: NetHost;
  let temporal: DevServer;
  let s3: TestS3;
  let envB: NodeJS.ProcessEnv, envC: NodeJS.ProcessEnv;
  let workerB: RunningWorker, workerC: RunningWorker;
  let client: Client;
  let connection: Connection;
  let reference: RunSnapshot;
  const folders: string[] = [];

  /** A host's own state and temp folders, and the addresses of A's servers. */
  async function hostEnv(h: NetHost, prefix: string): Promise<NodeJS.ProcessEnv> {
    const home = await mkdtemp(path.join(os.tmpdir(), `forgeline-${h.hostname}-`));
    folders.push(home);
    const tmp = statePaths(home).tmp;
    await mkdir(tmp, { recursive: true });
    return { ...process.env, FORGELINE_HOME: home, TMPDIR: tmp, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default', FORGELINE_PIPELINES: TEST_PIPELINES, FORGELINE_LOG_LEVEL: 'warn', ...s3.env(prefix) };
  }

  beforeAll(async () => {
    net = await createHosts(['a', 'b', 'c']);
    ({ a, b, c } = net.hosts as Record<'a' | 'b' | 'c', NetHost>);
    const binary = await ensureTemporalBinary(process.env.FORGELINE_TEMPORAL_BIN);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-host-a-'));
    folders.push(dir);
    temporal = await startDevServer({ binary: await a.wrap(binary.path), host: a.address, port: await freePort(), uiPort: await freePort(), dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
    s3 = await startSeaweedFs({ host: a.address, weed: await a.wrap(WEED_BIN) });
    const prefix = `hosts-${Date.now()}`;
    envB = await hostEnv(b, prefix);
    envC = await hostEnv(c, prefix);
    workerB = await startWorker(envB, [CPU_QUEUE], await b.wrap(process.execPath));
    workerC = await startWorker(envC, [GPU_QUEUES.cuda], await c.wrap(process.execPath));
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection, namespace: 'default' });
  }, 180_000);

  afterAll(async () => {
    // Each part goes whatever happened to the others; the namespaces last, once nothing runs in them.
    const steps = [() => connection?.close(), () => workerB?.stop(), () => workerC?.stop(), () => s3?.stop(), () => temporal?.stop(), () => net?.remove()];
    for (const step of steps) await Promise.resolve(step()).catch((err: unknown) => console.error('three-hosts teardown:', err));
    for (const f of folders) await rm(f, { recursive: true, force: true });
  }, 60_000);

  it("B reaches A's Temporal through A's address, not on loopback, and has a hostname of its own", async () => {
    const port = Number(temporal.address.split(':')[1]);
    const probe = (host: string) =>
      `require('net').connect(${port}, '${host}').on('connect', () => { console.log('open'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
    expect((await b.exec([process.execPath, '-e', probe(a.address)])).trim()).toBe('open');
    expect((await b.exec([process.execPath, '-e', probe('127.0.0.1')])).trim()).toBe('ECONNREFUSED');
    expect((await b.exec(['hostname'])).trim()).toBe('host-b');
  });

  it('runs generate, curation, train, quantize and evaluate, each step on the host its queue names, artifacts only in S3', async () => {
    reference = await awaitRun(client, await startRun(client, { pipeline: PIPELINE, params: {} }));
    expect(reference.failure).toBeUndefined();
    expect(reference.temporalStatus).toBe('COMPLETED');
    const steps = reference.state!.steps;
    expect(steps.every((s) => s.status === 'succeeded')).toBe(true);
    const queueOf = Object.fromEntries(steps.map((s) => [s.id, s.taskQueue]));
    for (const id of ['train', 'quantize-q8_0', 'evaluate']) expect({ id, queue: queueOf[id] }).toEqual({ id, queue: GPU_QUEUES.cuda });
    for (const id of CPU_STEPS) expect({ id, queue: queueOf[id] }).toEqual({ id, queue: CPU_QUEUE });

    // From the history: every activity (the steps, and the plan, lineage and report activities) was
    // started by a worker on the host that serves its queue.
    const expected: Record<string, string> = { [CPU_QUEUE]: b.hostname, [GPU_QUEUES.cuda]: c.hostname };
    const ran = await activityHosts(client, reference.runId);
    expect(ran.length).toBeGreaterThan(steps.length);
    for (const r of ran) expect({ activity: r.activityId, host: hostOf(r.identity).hostname }).toEqual({ activity: r.activityId, host: expected[r.taskQueue] });
    for (const s of steps) expect(ran.some((r) => r.activityId === s.id)).toBe(true);

    // Artifacts went to the bucket only: no host has a local store, and C holds copies only of
    // what its steps read or wrote (the generated records never came down to it).
    for (const s of steps) for (const ref of Object.values(s.outputs)) expect(ref.uri.startsWith(`s3://${s3.bucket}/hosts-`)).toBe(true);
    for (const env of [envB, envC]) await expect(readdir(statePaths(env.FORGELINE_HOME!).artifacts)).rejects.toMatchObject({ code: 'ENOENT' });
    const onC = (await readdir(statePaths(envC.FORGELINE_HOME!).artifactCache)).map((n) => n.slice(0, 64));
    const out = (id: string, name: string) => steps.find((s) => s.id === id)!.outputs[name]!.sha256;
    expect(onC).toContain(out('train', 'model'));
    expect(onC).not.toContain(out('generate', 'records'));
  }, 300_000);

  it("completes with the same digests after B's worker is SIGKILLed mid-step and restarted on B", async () => {
    // The same params with the step cache off, so that every step computes again on the same hosts
    // and its outputs are compared with the uninterrupted run above.
    const runId = await startRun(client, { pipeline: PIPELINE, params: {}, options: { cache: false } });
    const victim = await pendingActivity(client, runId, ['hold']);
    expect(hostOf(victim.identity)).toEqual({ hostname: b.hostname, pid: workerB.process.pid });
    await workerB.kill();
    workerB = await startWorker(envB, [CPU_QUEUE], await b.wrap(process.execPath));
    const final = await awaitRun(client, runId);
    expect(final.failure).toBeUndefined();
    expect(final.temporalStatus).toBe('COMPLETED');
    expect(digests(final)).toEqual(digests(reference));
    expect(digests(reference).train).toHaveProperty('model');
    // The step that was running when B's worker died ran again, on the new worker on B.
    const retried = (await activityHosts(client, runId)).find((r) => r.activityId === victim.activityId)!;
    expect(retried.attempt).toBeGreaterThanOrEqual(2);
    expect(hostOf(retried.identity)).toEqual({ hostname: b.hostname, pid: workerB.process.pid });
  }, 300_000);
});
