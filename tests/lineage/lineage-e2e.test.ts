import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalLineageStore, Neo4jLineageStore, openDriver } from '../../activities/lineage/index.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import { sha256File } from '../../core/artifacts/hash.js';
import { awaitRun, startRun, type RunSnapshot } from '../../core/client/runs.js';
import { CPU_QUEUE, WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import { Client, Connection } from '@temporalio/client';
import { cli, startWorker, testEnv, type RunningWorker } from '../support/harness.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';
import { TEST_PIPELINES } from '../support/paths.js';

const LINEAGE_PIPELINES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pipelines');

let db: TestNeo4j;
let env: NodeJS.ProcessEnv;
let worker: RunningWorker;
let home: string;

async function runPipeline(pipeline: string, params: Record<string, unknown>, id?: string): Promise<RunSnapshot> {
  // The address captured in testEnv, not re-read: concurrent jest runs on one machine share the services file.
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE! });
  const close = () => connection.close();
  try {
    const runId = await startRun(client, { pipeline, params }, id);
    const final = await awaitRun(client, runId);
    expect({ status: final.temporalStatus, failure: final.failure }).toEqual({ status: 'COMPLETED', failure: undefined });
    expect(final.state?.notes.filter((n) => n.startsWith('lineage'))).toEqual([]);
    return final;
  } finally {
    await close();
  }
}

/** Runs a CLI command against both stores and checks that they print the same thing. */
async function both(args: string[]): Promise<string> {
  const fromNeo4j = await cli([...args, '--store', 'neo4j'], env);
  const fromLocal = await cli([...args, '--store', 'local'], env);
  expect({ code: fromNeo4j.code, stderr: fromNeo4j.stderr }).toEqual({ code: 0, stderr: '' });
  expect({ code: fromLocal.code, stderr: fromLocal.stderr }).toEqual({ code: 0, stderr: '' });
  expect(fromLocal.stdout).toBe(fromNeo4j.stdout);
  return fromNeo4j.stdout;
}

const output = (s: RunSnapshot, step: string, name: string): string => s.state!.steps.find((x) => x.id === step)!.outputs[name]!.sha256;

beforeAll(async () => {
  env = await testEnv({ FORGELINE_PIPELINES: [TEST_PIPELINES, LINEAGE_PIPELINES].join(path.delimiter) });
  db = await startNeo4j();
  console.log(`neo4j harness: database up in ${db.startedMs} ms, JVM to Bolt in ${db.wallMs} ms`);
  Object.assign(env, db.env);
  home = env.FORGELINE_HOME!;
  worker = await startWorker(env);
});

afterAll(async () => {
  await worker?.stop();
  await db?.stop();
});

describe('the Neo4j schema', () => {
  it('is created when the worker starts, before anything is written', async () => {
    const driver = openDriver({ uri: db.uri, user: db.user, password: db.password });
    try {
      const nodes = await driver.executeQuery('MATCH (n) RETURN count(n) AS c');
      expect(Number(nodes.records[0]!.get('c'))).toBe(0);
      const constraints = await driver.executeQuery("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'forgeline_' RETURN name ORDER BY name");
      expect(constraints.records.map((r) => r.get('name'))).toHaveLength(8);
      const indexes = await driver.executeQuery(
        "SHOW INDEXES YIELD name, owningConstraint WHERE name STARTS WITH 'forgeline_' AND owningConstraint IS NULL RETURN name ORDER BY name",
      );
      expect(indexes.records.map((r) => r.get('name'))).toEqual(['forgeline_artifact_kind', 'forgeline_model_name', 'forgeline_step_run']);
    } finally {
      await driver.close();
    }
  });
});

describe('lineage of real pipeline runs, in Neo4j and in the embedded store', () => {
  let first: RunSnapshot;
  let second: RunSnapshot;
  let data1: string;

  it('records the smoke pipeline down to its source file', async () => {
    const smoke = await runPipeline('smoke', {});
    const merged = output(smoke, 'merge', 'records');
    const text = await both(['lineage', merged.slice(0, 16)]);
    expect(text.split('\n')[0]).toMatch(new RegExp(`^records ${merged.slice(0, 12)} \\(.*74 records`));
    expect(text).toContain(`written by step merge (concat, code `);
    expect(text).toContain(`in run ${smoke.runId} [succeeded]`);
    expect(text).toMatch(/source: source file \S*data\/smoke\.jsonl \(sha256 [0-9a-f]{12}\)/);
    // Both branches of the fan-in are there, and the shared load step is shown once.
    expect(text).toContain('step filter (filter-length');
    expect(text).toContain('step shout (map-text');
    expect(text).toContain('(see above)');

    const runText = await both(['lineage', smoke.runId]);
    expect(runText.split('\n')[0]).toBe(`run ${smoke.runId} (pipeline smoke)`);
    expect(runText).toMatch(/params \{"input":"data\/smoke.jsonl","minChars":8\} \(sha256 [0-9a-f]{12}\)/);
    expect(runText).toMatch(/by user:\d+@/);
    // Every step that finished is there (the smoke pipeline grows as stages land; count from the run).
    const finished = smoke.state!.steps.filter((s) => s.status === 'succeeded' || s.status === 'cached');
    expect(finished.length).toBeGreaterThanOrEqual(7);
    expect(runText).toContain(`steps (${finished.length})`);
    for (const s of finished) expect(runText).toMatch(new RegExp(`\\n   [├└]─ ${s.id} \\(${s.kind}, code [0-9a-f]{8}\\) \\[${s.status}\\]`));
  });

  it('records training, quantization and evaluation as a model registry', async () => {
    data1 = path.join(home, 'data1.jsonl');
    await writeFile(data1, Array.from({ length: 12 }, (_, i) => JSON.stringify({ instruction: `q${i}`, input: '', output: i % 4 === 0 ? '' : `answer ${i}` })).join('\n') + '\n');
    first = await runPipeline('test-lineage', { input: data1 });

    const models = await both(['models']);
    const lines = models.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+MODEL\s+SIZE\s+FILES\s+EVAL\s+PROMOTED\s+RUN$/);
    const tiny = lines.find((l) => l.startsWith('tiny-json '))!;
    expect(tiny).toContain(` v1 `);
    expect(tiny).toContain(output(first, 'train-reasoning', 'model').slice(0, 12));
    expect(tiny).toContain(`Q4_K_M ${output(first, 'quantize-q4', 'model').slice(0, 12)}`);
    expect(tiny).toContain(`Q8_0 ${output(first, 'quantize-q8', 'model').slice(0, 12)}`);
    expect(tiny).toContain('test.exact_match.base=0.500 test.exact_match.delta=25 test.exact_match.tuned=0.750');
    // The real promote step judged the evaluation of the Q8_0 file: the decision lands on its model.
    expect(tiny).toMatch(/ promoted /);
    expect(first.state!.steps.find((s) => s.id === 'promote')!.metadata).toMatchObject({ decision: 'promoted', model: output(first, 'quantize-q8', 'model') });
    // The base model of the comparison is listed, but a promotion never lands on the reference.
    const base = lines.find((l) => l.startsWith('test-lineage/train-calibration '))!;
    expect(base).toMatch(/ v1 .* test\.exact_match\.base=0\.500 test\.exact_match\.delta=25 test\.exact_match\.tuned=0\.750 +- +test-lineage-/);

    const json = JSON.parse((await cli(['models', '--json', '--store', 'neo4j'], env)).stdout) as Array<{ name: string; trainedOn: string[]; bases: string[] }>;
    const entry = json.find((m) => m.name === 'tiny-json')!;
    expect(entry.trainedOn).toEqual([output(first, 'filter', 'records')]);
    expect(entry.bases).toEqual([output(first, 'train-calibration', 'model')]);
  });

  it('answers the upstream lineage of a quantized model down to the source file', async () => {
    const q4 = output(first, 'quantize-q4', 'model');
    const text = await both(['lineage', q4]);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`model ${q4.slice(0, 12)} (gguf, 2.5 KiB, Q4_K_M, test-lineage/quantize-q4)`);
    expect(text).toContain('written by step quantize-q4 (test-lineage-quantize');
    expect(text).toContain('model: model ');
    expect(text).toContain('written by step train-reasoning (test-lineage-train');
    expect(text).toContain('base: model ');
    expect(text).toMatch(/records: records [0-9a-f]{12} \(instruction, 9 records/);
    expect(text).toContain(`source: source file ${data1}`);
    // Model names resolve too (latest version by default).
    const byName = await both(['lineage', 'tiny-json']);
    expect(byName.split('\n')[0]).toContain(output(first, 'train-reasoning', 'model').slice(0, 12));
  });

  it('versions a model retrained on new data and lists the runs that used a dataset', async () => {
    const data2 = path.join(home, 'data2.jsonl');
    await writeFile(data2, Array.from({ length: 20 }, (_, i) => JSON.stringify({ instruction: `n${i}`, input: '', output: `new ${i}` })).join('\n') + '\n');
    second = await runPipeline('test-lineage', { input: data2, promote: false, exactMatch: 0.4 });
    const models = await both(['models']);
    const tiny = models.split('\n').filter((l) => l.startsWith('tiny-json '));
    expect(tiny).toHaveLength(2);
    expect(tiny[1]).toContain(' v2 ');
    expect(tiny[1]).toContain(output(second, 'train-reasoning', 'model').slice(0, 12));
    expect(tiny[1]).toMatch(/ not promoted /);

    const records1 = output(first, 'load', 'records');
    const uses = await both(['runs', '--uses', records1]);
    const rows = uses.trim().split('\n');
    expect(rows[0]).toMatch(/^RUN\s+PIPELINE\s+STARTED\s+BY\s+USE\s+STEPS$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(new RegExp(`^${first.runId}\\s+test-lineage\\s+\\S+\\s+user:\\S+\\s+direct\\s+filter$`));

    // The first phase's model is used by both the reasoning phase and the evaluation, and only in run 1.
    const phase1 = output(first, 'train-calibration', 'model');
    expect(await both(['runs', '--uses', phase1])).toMatch(/direct\s+evaluate,train-reasoning\n$/);
    const filtered = output(first, 'filter', 'records');
    const derived = await both(['runs', '--uses', filtered, '--json']);
    expect((JSON.parse(derived) as { runs: Array<{ distance: number; steps: string[] }> }).runs).toEqual([
      expect.objectContaining({ distance: 0, steps: ['train-calibration', 'train-reasoning'] }),
    ]);
  });

  it('records a run started by a Temporal Schedule as started by that schedule', async () => {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE! });
    const scheduleId = `lineage-schedule-${Date.now()}`;
    const schedule = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPE, taskQueue: CPU_QUEUE, args: [{ pipeline: 'test-chain', params: { length: 1, tag: scheduleId } }] },
      state: { paused: true },
    });
    try {
      await schedule.trigger();
      let runId: string | undefined;
      for (let i = 0; i < 100 && !runId; i++) {
        runId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!runId) await new Promise((r) => setTimeout(r, 200));
      }
      expect(runId).toBeDefined();
      expect((await awaitRun(client, runId!)).temporalStatus).toBe('COMPLETED');
      const text = await both(['lineage', runId!]);
      expect(text).toContain(`by schedule:${scheduleId}`);
    } finally {
      await schedule.delete();
      await connection.close();
    }
  });

  it('reports unknown targets with a clear error', async () => {
    const res = await cli(['lineage', 'no-such-thing', '--store', 'local'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no run, artifact or model "no-such-thing" in the local lineage store');
  });

  it('--store auto (the default) reads Neo4j when NEO4J_URI is set, the embedded store otherwise', async () => {
    const { NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, ...offline } = env;
    expect([NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD]).toEqual([db.uri, db.user, db.password]);
    const online = await cli(['lineage', 'no-such-thing'], env);
    expect(online.stderr).toContain('in the neo4j lineage store');
    const local = await cli(['lineage', 'no-such-thing', '--store', 'auto'], offline);
    expect(local.stderr).toContain('in the local lineage store');
    // The same registry either way, as both stores hold the same graph.
    const [a, b] = await Promise.all([cli(['models'], env), cli(['models'], offline)]);
    expect({ code: a.code, stderr: a.stderr }).toEqual({ code: 0, stderr: '' });
    expect(b.stdout).toBe(a.stdout);
    // Asking for Neo4j without one configured is a configuration error, not a silent fallback.
    const forced = await cli(['models', '--store', 'neo4j'], offline);
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain('NEO4J_URI');
  });
});

describe('lineage of the real built-in steps on a tiny model', () => {
  let run: RunSnapshot;
  let input: string;
  let baseModel: string;
  let manifest: string;
  let bucket: string;

  beforeAll(async () => {
    const dir = path.join(home, 'real');
    await mkdir(dir, { recursive: true });
    input = path.join(dir, 'held-out.jsonl');
    await writeFile(input, Array.from({ length: 4 }, (_, i) => JSON.stringify({ instruction: `Return {"n": ${i}} as JSON.`, input: '', output: `{"n": ${i}}` })).join('\n') + '\n');
    baseModel = path.join(dir, 'base.gguf');
    await buildTinyModel(baseModel, { layers: 1, feedForward: 256, seed: 3 });
    bucket = path.join(dir, 'bucket.jsonl');
    await writeFile(bucket, JSON.stringify({ instruction: 'q', input: '', output: 'a' }) + '\n');
    manifest = path.join(dir, 'manifest.json');
    await writeFile(manifest, JSON.stringify({ version: 1, buckets: [{ name: 'only', source: { file: 'bucket.jsonl' }, weight: 1 }] }));
    run = await runPipeline('test-lineage-real', { input, baseModel, manifest });
  }, 600_000);

  it('registers the trained model under the train step\'s name, with its Q4_K_M file, evaluation and promotion', async () => {
    const trained = output(run, 'train', 'model');
    const q4 = output(run, 'quantize', 'model');
    const models = await both(['models']);
    const line = models.split('\n').find((l) => l.startsWith('lineage-real '))!;
    expect(line).toMatch(new RegExp(`^lineage-real +v1 +${trained.slice(0, 12)} `));
    expect(line).toContain(`Q4_K_M ${q4.slice(0, 12)}`);
    // A tiny random model matches no reference before or after one epoch: tuned equals base on every
    // metric measured, which the gate never promotes. The decision is recorded all the same.
    expect(line).toMatch(/ test\.exact_match\.base=[\d.]+ test\.exact_match\.delta=-?[\d.]+ test\.exact_match\.tuned=[\d.]+ +not promoted +test-lineage-real-/);
    // The quantized file is a conversion, not a model trained on the `data` quantize read.
    expect(models).not.toContain('test-lineage-real/');
    const promote = run.state!.steps.find((s) => s.id === 'promote')!;
    expect(promote.metadata).toMatchObject({ decision: 'not promoted', model: q4 });

    const json = JSON.parse((await cli(['models', '--json', '--store', 'local'], env)).stdout) as Array<{ name: string; trainedOn: string[]; bases: string[]; files: unknown[]; promotion?: string }>;
    const entry = json.find((m) => m.name === 'lineage-real')!;
    // Trained on the curated data only: the held-out `valid` records were read, not trained on.
    expect(entry.trainedOn).toEqual([output(run, 'curate', 'records')]);
    expect(entry.bases).toEqual([output(run, 'base', 'model')]);
    expect(entry.files).toEqual([expect.objectContaining({ digest: q4, quantization: 'Q4_K_M', format: 'gguf' })]);
    expect(entry.promotion).toBe('not promoted');

    const file = await both(['lineage', q4]);
    expect(file.split('\n')[0]).toMatch(new RegExp(`^model ${q4.slice(0, 12)} \\(gguf, [^,]+, Q4_K_M, test-lineage-real/quantize, not promoted\\)$`));
  });

  it('traces the model down to the generation run and the source files', async () => {
    const text = await both(['lineage', 'lineage-real']);
    expect(text.split('\n')[0]).toContain(`model ${output(run, 'train', 'model').slice(0, 12)} `);
    expect(text).toContain(`written by step train (train, code `);
    expect(text).toContain(`written by step base (load-model, code `);
    expect(text).toContain(`source: source file ${baseModel} (sha256 ${(await sha256File(baseModel)).sha256.slice(0, 12)})`);
    expect(text).toContain(`written by step curate (validate, code `);
    expect(text).toContain(`written by step generate (generate, code `);
    expect(text).toContain(`in run ${run.runId} [succeeded]`);
    expect(text).toContain(`written by step held-out (validate, code `);
    expect(text).toContain(`source: source file ${input} (sha256 ${(await sha256File(input)).sha256.slice(0, 12)})`);

    const manifestText = await both(['lineage', output(run, 'manifest', 'manifest')]);
    expect(manifestText).toContain('written by step manifest (load-manifest, code ');
    expect(manifestText).toContain(`source: source file ${manifest} (sha256 ${(await sha256File(manifest)).sha256.slice(0, 12)})`);
    expect(manifestText).toContain(`source: source file ${bucket} (sha256 ${(await sha256File(bucket)).sha256.slice(0, 12)})`);
  });
});

describe('idempotency', () => {
  it('a retried step and a rerun under the same run id never duplicate nodes or relationships', async () => {
    const stores = [Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password }), LocalLineageStore.inHome(home)];
    try {
      const id = `lineage-retry-${Date.now()}`;
      // The flaky step fails twice and succeeds on its third attempt: one Step, one WROTE.
      const run1 = await runPipeline('test-failures', { flakyFailures: 2, siblingMs: 0, tag: id }, id);
      expect(run1.state?.steps.find((s) => s.id === 'flaky')?.metadata.attempts).toBe(3);
      const after1 = await Promise.all(stores.map((s) => s.counts()));
      for (const store of stores) {
        const steps = await store.runSteps(id);
        expect(steps.map((s) => s.stepId).sort()).toEqual(['flaky', 'sibling']);
        expect(await store.writes(`${id}/flaky`)).toHaveLength(1);
      }
      // The whole run again under the same id (Temporal allows it once the first closed): every
      // recordLineage call repeats, steps come from the cache, and the graph stays the same.
      const run2 = await runPipeline('test-failures', { flakyFailures: 2, siblingMs: 0, tag: id }, id);
      expect(run2.state?.steps.map((s) => s.status)).toEqual(['cached', 'cached']);
      const after2 = await Promise.all(stores.map((s) => s.counts()));
      expect(after2[0]!.nodes).toEqual(after1[0]!.nodes);
      expect(after2[0]!.relationships).toEqual(after1[0]!.relationships);
      expect(after2[1]).toEqual(after1[1]);
      // Both stores hold the same graph.
      expect(after2[1]).toEqual(after2[0]);
      for (const store of stores) expect((await store.runSteps(id)).map((s) => s.status).sort()).toEqual(['cached', 'cached']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('batching', () => {
  it('records every step of a 20-wide fan-out once, the steps that finish together in one write', async () => {
    const stores = [Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password }), LocalLineageStore.inHome(home)];
    try {
      const id = `lineage-fanout-${Date.now()}`;
      await runPipeline('test-parallel', { width: 20, ms: 300, tag: id }, id);
      const expected = [...Array.from({ length: 20 }, (_, i) => `sleep-${i}`), 'join'].sort();
      for (const store of stores) expect((await store.runSteps(id)).map((s) => s.stepId).sort()).toEqual(expected);
      // The journal has one line per write: each step in exactly one, and fewer writes than steps.
      const journal = (await readFile(path.join(home, 'lineage', 'journal.jsonl'), 'utf8')).trim().split('\n');
      const writes = journal
        .map((line) => (JSON.parse(line) as { ops: Array<{ op: string; label?: string; key?: string }> }).ops)
        .map((ops) => ops.filter((o) => o.op === 'node' && o.label === 'Step' && o.key?.startsWith(`${id}/`)).map((o) => o.key!.slice(id.length + 1)))
        .filter((steps) => steps.length > 0);
      expect(writes.flat().sort()).toEqual(expected);
      expect(writes.length).toBeLessThan(expected.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("writes a finished step's record while a long sibling still runs, not only at the run's end", async () => {
    const id = `lineage-early-${Date.now()}`;
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE! });
    try {
      // flaky succeeds at once; sibling sleeps 8 s.
      await startRun(client, { pipeline: 'test-failures', params: { flakyFailures: 0, siblingMs: 8_000, tag: id } }, id);
      const journal = path.join(home, 'lineage', 'journal.jsonl');
      const recorded = async (step: string) => (await readFile(journal, 'utf8').catch(() => '')).includes(`"key":"${id}/${step}"`);
      while (!(await recorded('flaky'))) {
        expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
        await new Promise((r) => setTimeout(r, 200));
      }
      // The record of flaky is in while the run still runs and sibling's is not.
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
      expect(await recorded('sibling')).toBe(false);
      const final = await awaitRun(client, id);
      expect(final.temporalStatus).toBe('COMPLETED');
      expect(await recorded('sibling')).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
