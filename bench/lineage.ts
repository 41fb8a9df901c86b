import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ArtifactRef } from '../core/artifacts/ref.js';
import { artifactLineage, LocalLineageStore, Neo4jLineageStore, registry, runsUsing, type LineageStore, type StepLineage } from '../activities/lineage/index.js';
import { writeLineage } from '../activities/lineage/record.js';
import { startNeo4j } from '../tests/support/neo4j.js';

/**
 * `npm run bench -- lineage [--runs N]`: the Neo4j test harness's start-up time, then lineage
 * writes (steps/s) and the three CLI questions (ms) on both stores, over N synthetic runs of a
 * six-step training pipeline (load, clean, two phases, quantize, evaluate) that share one dataset.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '50' } } });
  const runs = Number(values.runs);
  const db = await startNeo4j();
  console.log(`neo4j harness start: ${db.startedMs} ms in the JVM, ${db.wallMs} ms from spawn to Bolt URI`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-lineage-'));
  const stores: LineageStore[] = [Neo4jLineageStore.open({ uri: db.uri, user: db.user, password: db.password }), new LocalLineageStore(path.join(dir, 'journal.jsonl'))];
  try {
    const steps = Array.from({ length: runs }, (_, i) => pipelineRun(i)).flat();
    for (const store of stores) {
      await store.ensureSchema();
      let t = performance.now();
      for (const s of steps) await writeLineage([store], s);
      const writeMs = performance.now() - t;
      const last = steps.at(-1)!;
      const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
        t = performance.now();
        const r = await f();
        return [r, performance.now() - t];
      };
      const [, treeMs] = await timed(() => artifactLineage(store, Object.values(last.inputs).flat()[1]!.sha256));
      const [models, regMs] = await timed(() => registry(store));
      const [uses, usesMs] = await timed(() => runsUsing(store, digest('shared-source-records')));
      console.log(
        `${store.name.padEnd(6)} write ${steps.length} steps: ${(steps.length / (writeMs / 1000)).toFixed(0)} steps/s` +
          ` | lineage tree ${treeMs.toFixed(0)} ms | models (${models.length}) ${regMs.toFixed(0)} ms | runs --uses (${uses.length}) ${usesMs.toFixed(0)} ms`,
      );
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
const ref = (name: string, kind: ArtifactRef['kind'], schema: string, records?: number): ArtifactRef => ({
  uri: `file:///store/${digest(name)}`,
  sha256: digest(name),
  bytes: 4096,
  kind,
  schema,
  ...(records ? { records } : {}),
});

function pipelineRun(i: number): StepLineage[] {
  const runId = `bench-${i}`;
  const raw = ref('shared-source-records', 'records', 'chat', 1000);
  const clean = ref(`clean-${i}`, 'records', 'chat', 900);
  const m1 = ref(`m1-${i}`, 'model', 'gguf');
  const m2 = ref(`m2-${i}`, 'model', 'gguf');
  const q4 = ref(`q4-${i}`, 'model', 'gguf-q4_k_m');
  const report = ref(`eval-${i}`, 'report', 'eval');
  const at = (n: number): string => new Date(Date.UTC(2026, 0, 1, 0, i, n)).toISOString();
  const step = (id: string, kind: string, n: number, inputs: StepLineage['inputs'], outputs: StepLineage['outputs'], metadata: Record<string, unknown> = {}): StepLineage => ({
    run: { id: runId, pipeline: 'bench', startedAt: at(0), params: `{"i":${i}}`, paramsDigest: digest(`{"i":${i}}`), startedBy: { type: 'user', name: 'bench' } },
    step: { id, kind, status: 'succeeded', cacheKey: digest(runId + id), version: digest(kind), durationMs: 1, startedAt: at(n), endedAt: at(n) },
    inputs,
    outputs,
    metadata,
  });
  return [
    step('load', 'read-jsonl', 1, {}, { records: raw }, { sourceSha256: digest('source'), sourcePath: '/data/chat.jsonl' }),
    step('clean', 'pii', 2, { records: raw }, { records: clean }),
    step('train-1', 'train', 3, { records: clean }, { model: m1 }),
    step('train-2', 'train', 4, { records: clean, base: m1 }, { model: m2 }, { modelName: 'bench-model' }),
    step('quantize', 'quantize', 5, { model: m2 }, { model: q4 }, { quantization: 'Q4_K_M' }),
    step('evaluate', 'evaluate', 6, { base: m1, model: q4 }, { report }, { metrics: { exact_match: 0.5 }, decision: 'promoted' }),
  ];
}
