import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { LocalLineageStore, Neo4jLineageStore, type LineageStore, type StepLineage } from '../../activities/lineage/index.js';
import { writeLineage } from '../../activities/lineage/record.js';
import { derivedFromArtifacts, derivedFromSource } from '../../activities/ops/forget.js';
import { startNeo4j, type TestNeo4j } from '../support/neo4j.js';

let db: TestNeo4j;
let stores: LineageStore[];

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const ref = (name: string, kind: ArtifactRef['kind'], schema: string): ArtifactRef => ({ uri: `file:///store/${digest(name)}`, sha256: digest(name), bytes: 100, kind, schema, ...(kind === 'records' ? { records: 10 } : {}) });

const SRC = digest('export.jsonl');
const OTHER = digest('other.jsonl');
const raw = ref('raw', 'records', 'chat');
const long = ref('long', 'records', 'chat');
const all = ref('model-all', 'model', 'gguf');
const q4 = ref('model-all-q4', 'model', 'gguf-q4_k_m');
const longModel = ref('model-long', 'model', 'gguf');
const otherRaw = ref('other-raw', 'records', 'chat');
const otherModel = ref('model-other', 'model', 'gguf');

function step(id: string, kind: string, inputs: StepLineage['inputs'], outputs: StepLineage['outputs'], metadata: Record<string, unknown> = {}): StepLineage {
  const at = '2026-12-01T00:00:00.000Z';
  return {
    run: { id: 'run-1', pipeline: 'coach', startedAt: at, params: '{}', paramsDigest: digest('{}'), startedBy: { type: 'user', name: 'ops' } },
    step: { id, kind, status: 'succeeded', cacheKey: digest(id), version: digest(kind), durationMs: 1, startedAt: at, endedAt: at },
    inputs,
    outputs,
    metadata,
  };
}

const STEPS: StepLineage[] = [
  step('load', 'read-jsonl', {}, { records: raw }, { sourceSha256: SRC, sourcePath: '/data/export.jsonl' }),
  step('long', 'filter-length', { records: raw }, { records: long }),
  step('train-all', 'train', { records: raw }, { model: all }, { modelName: 'coach-all' }),
  step('quantize', 'quantize', { model: all }, { q4_k_m: q4 }, { quantization: 'Q4_K_M' }),
  step('train-long', 'train', { records: long }, { model: longModel }, { modelName: 'coach-long' }),
  step('load-other', 'read-jsonl', {}, { records: otherRaw }, { sourceSha256: OTHER, sourcePath: '/data/other.jsonl' }),
  step('train-other', 'train', { records: otherRaw }, { model: otherModel }, { modelName: 'other' }),
];

beforeAll(async () => {
  db = await startNeo4j();
  const neo = Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password });
  const local = new LocalLineageStore(path.join(await mkdtemp(path.join(os.tmpdir(), 'forgeline-forget-')), 'journal.jsonl'));
  stores = [neo, local];
  await neo.ensureSchema();
  for (const s of STEPS) await writeLineage(stores, s);
}, 180_000);

afterAll(async () => {
  for (const s of stores ?? []) await s.close();
  await db?.stop();
});

const names = (xs: { props: Record<string, unknown> }[]) => xs.map((x) => String(x.props.name ?? x.props.quantization ?? '')).sort();

describe('deletion by source through lineage, in Neo4j and the embedded store alike', () => {
  it('finds every step, dataset and model built from a source file, and nothing from another', async () => {
    for (const store of stores) {
      expect(await store.sourceReaders(SRC)).toEqual(['run-1/load']);
      const d = await derivedFromSource(store, SRC);
      expect(d.steps).toEqual(['run-1/load', 'run-1/long', 'run-1/quantize', 'run-1/train-all', 'run-1/train-long']);
      expect(d.datasets.map((a) => a.digest).sort()).toEqual([raw.sha256, long.sha256].sort());
      expect(d.models.map((a) => a.digest).sort()).toEqual([all.sha256, q4.sha256, longModel.sha256].sort());
      expect(names(d.models)).toEqual(expect.arrayContaining(['coach-all', 'coach-long']));
      expect(d.models.map((a) => a.digest)).not.toContain(otherModel.sha256);
    }
  });

  it('from the datasets that hold a record, stops at those that do not', async () => {
    for (const store of stores) {
      const d = await derivedFromArtifacts(store, [raw.sha256], new Set([long.sha256]));
      expect(d.models.map((a) => a.digest).sort()).toEqual([all.sha256, q4.sha256].sort());
    }
  });
});
