import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { artifactLineage, LocalLineageStore, Neo4jLineageStore, openDriver, registry, runLineage, runsUsing, type LineageStore, type StepLineage } from '../../activities/lineage/index.js';
import { writeLineage } from '../../activities/lineage/record.js';
import { formatArtifactLineage, formatRegistry, formatRunLineage, formatRunUses } from '../../cli/lineage-format.js';
import { table } from '../../cli/output.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';

let db: TestNeo4j;
let neo: Neo4jLineageStore;
let local: LocalLineageStore;
let stores: LineageStore[];

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const ref = (name: string, kind: ArtifactRef['kind'], schema: string, extra: Partial<ArtifactRef> = {}): ArtifactRef => ({
  uri: `file:///store/${digest(name)}`,
  sha256: digest(name),
  bytes: 1000 + name.length,
  kind,
  schema,
  ...extra,
});

const SRC = digest('source-file');
const raw = ref('raw', 'records', 'chat', { records: 100 });
const clean = ref('clean', 'records', 'chat', { records: 90 });
const m1 = ref('model-phase1', 'model', 'gguf');
const m2 = ref('model-phase2', 'model', 'gguf');
const q4 = ref('model-q4', 'model', 'gguf-q4_k_m');
const evalReport = ref('eval', 'report', 'eval');
const promotion = ref('promotion', 'report', 'promotion');

function step(runId: string, id: string, kind: string, at: string, inputs: StepLineage['inputs'], outputs: StepLineage['outputs'], metadata: Record<string, unknown> = {}, status: 'succeeded' | 'cached' = 'succeeded'): StepLineage {
  return {
    run: { id: runId, pipeline: 'retrain', startedAt: '2026-01-01T00:00:00.000Z', params: '{"phases":2}', paramsDigest: digest('{"phases":2}'), startedBy: runId === 'run-b' ? { type: 'schedule', id: 'weekly' } : { type: 'user', name: '42@host' } },
    step: { id, kind, status, cacheKey: digest(`${runId}${id}`), version: digest(kind), durationMs: 5, startedAt: at, endedAt: at },
    inputs,
    outputs,
    metadata,
  };
}

/**
 * One run of a two-phase training with quantization, an evaluation and a promotion gate, and a second
 * run reusing the data. The metadata is what the real steps emit: train `modelName`, quantize
 * `quantization` (and its `data` input, which trains nothing), evaluate metrics without a decision,
 * and promote a decision naming the model it judged (it reads only eval reports).
 */
const STEPS: StepLineage[] = [
  step('run-a', 'load', 'read-jsonl', '2026-01-01T00:00:01.000Z', {}, { records: raw }, { sourceSha256: SRC, sourcePath: '/data/chat.jsonl', records: 100 }),
  step('run-a', 'clean', 'pii', '2026-01-01T00:00:02.000Z', { records: raw }, { records: clean }),
  step('run-a', 'train-1', 'train', '2026-01-01T00:00:03.000Z', { records: clean }, { model: m1 }),
  step('run-a', 'train-2', 'train', '2026-01-01T00:00:04.000Z', { data: clean, valid: raw, model: m1 }, { model: m2 }, { modelName: 'assistant' }),
  step('run-a', 'quantize', 'quantize', '2026-01-01T00:00:05.000Z', { model: m2, data: clean }, { q4_k_m: q4 }, { quantization: 'Q4_K_M' }),
  step('run-a', 'evaluate', 'evaluate', '2026-01-01T00:00:06.000Z', { base: m1, tuned: q4 }, { report: evalReport }, {
    metrics: { tuned: { exact_match: 0.8, note: 'text is ignored' }, base: { exact_match: 0.6 } },
  }),
  step('run-a', 'promote', 'promote', '2026-01-01T00:00:07.000Z', { evals: [evalReport] }, { decision: promotion }, { decision: 'promoted', phase: 'final', model: q4.sha256 }),
  step('run-b', 'load', 'read-jsonl', '2026-01-02T00:00:01.000Z', {}, { records: raw }, { sourceSha256: SRC, sourcePath: '/data/chat.jsonl' }, 'cached'),
  step('run-b', 'clean', 'pii', '2026-01-02T00:00:02.000Z', { records: raw }, { records: clean }, {}, 'cached'),
];

beforeAll(async () => {
  db = await startNeo4j();
  neo = Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password });
  local = new LocalLineageStore(path.join(await mkdtemp(path.join(os.tmpdir(), 'forgeline-lineage-')), 'journal.jsonl'));
  stores = [neo, local];
  for (const s of STEPS) await writeLineage(stores, s);
});

afterAll(async () => {
  await local?.close();
  await neo?.close();
  await db?.stop();
});

describe('the two lineage stores answer the same questions the same way', () => {
  it('hold the same graph', async () => {
    const [a, b] = await Promise.all(stores.map((s) => s.counts()));
    expect(b).toEqual(a);
    expect(a!.nodes).toEqual({ Pipeline: 1, Run: 2, User: 1, Schedule: 1, Step: 9, Artifact: 7, Model: 3, Eval: 1, SourceFile: 1 });
    expect(a!.relationships).toEqual({ RUN_OF: 2, STARTED_BY: 2, RAN: 9, READ: 13, WROTE: 9, TRAINED_ON: 2, DERIVED_FROM: 2, SCORED: 2 });
  });

  it('give the same upstream tree, down to the source file', async () => {
    const [a, b] = await Promise.all(stores.map(async (s) => formatArtifactLineage(await artifactLineage(s, q4.sha256))));
    expect(b).toBe(a);
    const lines = a!.split('\n');
    expect(lines[0]).toBe(`model ${q4.sha256.slice(0, 12)} (gguf-q4_k_m, 1008 B, Q4_K_M, retrain/quantize, promoted)`);
    expect(a).toContain('written by step train-2 (train, code ');
    expect(a).toContain('model: model ');
    expect(a).toContain('valid: records ');
    expect(a).toContain(`records: records ${clean.sha256.slice(0, 12)} (chat, 90 records, 1005 B) (see above)`);
    // The cached step of run-b wrote the same data: listed, not expanded.
    expect(a).toContain('also written by step load (read-jsonl, code ');
    expect(a).toContain('in run run-b [cached]');
    expect(a).toContain(`source: source file /data/chat.jsonl (sha256 ${SRC.slice(0, 12)})`);
  });

  it('give the same run view, with who started it', async () => {
    const views = await Promise.all(stores.map(async (s) => formatRunLineage(await runLineage(s, (await s.run('run-b'))!))));
    expect(views[1]).toBe(views[0]);
    expect(views[0]).toContain('started 2026-01-01T00:00:00.000Z by schedule:weekly');
    expect(views[0]).toContain('params {"phases":2}');
  });

  it('give the same registry', async () => {
    const [a, b] = await Promise.all(stores.map((s) => registry(s)));
    expect(b).toEqual(a);
    expect(a!.map((e) => [e.name, e.version, e.promotion ?? '-'])).toEqual([
      ['assistant', 1, 'promoted'],
      ['retrain/train-1', 1, '-'],
    ]);
    const assistant = a![0]!;
    expect(assistant.trainedOn).toEqual([clean.sha256]);
    expect(assistant.bases).toEqual([m1.sha256]);
    expect(assistant.files).toEqual([{ digest: q4.sha256, quantization: 'Q4_K_M', format: 'gguf-q4_k_m', bytes: 1008 }]);
    expect(assistant.evals[0]!.metrics).toEqual({ 'tuned.exact_match': 0.8, 'base.exact_match': 0.6 });
    expect(formatRegistry(b!, table)).toBe(formatRegistry(a!, table));
  });

  it('give the same runs for a dataset, direct and derived', async () => {
    const [a, b] = await Promise.all(stores.map((s) => runsUsing(s, raw.sha256)));
    expect(b).toEqual(a);
    expect(a!.map((u) => [u.run.id, u.distance, u.steps.join(',')])).toEqual([
      ['run-a', 0, 'clean,train-2'],
      ['run-b', 0, 'clean'],
    ]);
    const [c, d] = await Promise.all(stores.map((s) => runsUsing(s, m1.sha256)));
    expect(d).toEqual(c);
    expect(c!.map((u) => [u.run.id, u.distance, u.steps.join(',')])).toEqual([['run-a', 0, 'evaluate,train-2']]);
    expect(formatRunUses(raw.sha256, a!, table)).toBe(formatRunUses(raw.sha256, b!, table));
    // Depth 0, the direct readers only (a quantifier of {0,0}, which Neo4j refuses, before).
    const [e, f] = await Promise.all(stores.map((s) => runsUsing(s, raw.sha256, 0)));
    expect(f).toEqual(e);
    expect(e!.map((u) => [u.run.id, u.distance])).toEqual([
      ['run-a', 0],
      ['run-b', 0],
    ]);
    const shallow = await Promise.all(stores.map((s) => runsUsing(s, SRC, 3)));
    expect(shallow[0]).toEqual([]); // a source file is not an artifact: nothing "reads" it as one
  });
});

describe('idempotent writes', () => {
  it('writing the same steps again, also concurrently, changes nothing', async () => {
    const before = await Promise.all(stores.map((s) => s.counts()));
    await Promise.all(STEPS.map((s) => writeLineage([neo], s)));
    for (const s of STEPS) await writeLineage([local], s);
    const after = await Promise.all(stores.map((s) => s.counts()));
    expect(after).toEqual(before);
  });

  it('creates its constraints once, whatever the number of calls', async () => {
    await neo.ensureSchema();
    const other = Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password });
    await other.ensureSchema();
    await other.close();
    const driver = openDriver({ uri: db.uri, user: db.user, password: db.password });
    try {
      const res = await driver.executeQuery("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'forgeline_' RETURN count(*) AS c");
      // One per keyed label: Pipeline, Run, Step, Artifact, SourceFile, Schedule, User, Approval.
      expect(Number(res.records[0]!.get('c'))).toBe(8);
      // The three lookup indexes besides the constraints' own: Step.runId, Model.name, Artifact.kind.
      const indexes = await driver.executeQuery(
        "SHOW INDEXES YIELD name, labelsOrTypes, properties, owningConstraint WHERE name STARTS WITH 'forgeline_' AND owningConstraint IS NULL RETURN name, labelsOrTypes[0] + '.' + properties[0] AS on ORDER BY name",
      );
      expect(indexes.records.map((r) => [r.get('name'), r.get('on')])).toEqual([
        ['forgeline_artifact_kind', 'Artifact.kind'],
        ['forgeline_model_name', 'Model.name'],
        ['forgeline_step_run', 'Step.runId'],
      ]);
    } finally {
      await driver.close();
    }
  });
});

describe('the embedded journal', () => {
  it('survives a torn last line and reports damage elsewhere with file and line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-journal-'));
    const file = path.join(dir, 'journal.jsonl');
    const store = new LocalLineageStore(file);
    await writeLineage([store], STEPS[0]!);
    await appendFile(file, '{"v":1,"ops":[{"op":"node","lab');
    expect((await store.counts()).nodes.Step).toBe(1);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text + '\n' + text.split('\n')[0] + '\n');
    await expect(store.counts()).rejects.toThrow(`${file}:2: lineage journal line is not JSON`);
    await store.close();
  });

  it('keeps one append handle, and appends to a new journal when the old one was removed meanwhile', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-journal-'));
    const file = path.join(dir, 'journal.jsonl');
    const store = new LocalLineageStore(file);
    await writeLineage([store], STEPS[0]!);
    await writeLineage([store], STEPS[1]!);
    expect((await store.counts()).nodes.Step).toBe(2);
    await rm(file);
    await writeLineage([store], STEPS[1]!);
    expect((await store.counts()).nodes.Step).toBe(1);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
    await store.close();
  });

  it('keeps record text out: only ids, digests, numbers and the known metadata fields are stored', async () => {
    const text = await readFile(local.file, 'utf8');
    expect(text).not.toContain('text is ignored');
    expect(text).toContain('"metrics":"{\\"tuned.exact_match\\":0.8,\\"base.exact_match\\":0.6}"');
  });
});
