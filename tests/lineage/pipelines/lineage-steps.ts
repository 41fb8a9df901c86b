import fs from 'node:fs/promises';
import { z } from 'zod';
import { sha256Text } from '../../../core/artifacts/hash.js';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { defineStep } from '../../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';
import { buildRows, type EvalReport, type ModelScores } from '../../../activities/eval/result.js';

/**
 * Step kinds for the lineage tests only. They have the inputs, outputs and lineage metadata of the
 * real `train`, `quantize` and `evaluate` steps (train: `modelName` from its `name` option;
 * quantize: `quantization`; evaluate: an `eval` report that the real `promote` step reads, and no
 * decision of its own), so that the registry is exercised quickly, several runs over; their files are
 * small deterministic stand-ins, and nothing here claims to be a model. test-lineage-real.ts runs
 * the real steps on a tiny model.
 */
async function fixtureModel(ctx: { store: import('../../../core/artifacts/store.js').ArtifactStore }, seed: string): Promise<ArtifactRef> {
  const w = await ctx.store.writer('.gguf');
  await fs.writeFile(w.path, `lineage-fixture ${sha256Text(seed)}\n`.repeat(32));
  return w.commit({ kind: 'model', schema: 'gguf' });
}

export const trainFixture = defineStep({
  kind: 'test-lineage-train',
  description: 'test: records (+ a base model) -> a stand-in model file',
  module: import.meta.url,
  inputs: { records: { kind: 'records' }, base: { kind: 'model', optional: true } },
  outputs: { model: 'model' },
  options: z.object({ phase: z.string(), name: z.string().optional() }).strict(),
  async run(ctx, inputs, options) {
    const model = await fixtureModel(ctx, `${options.phase}:${inputs.records.sha256}:${inputs.base?.sha256 ?? ''}`);
    return { outputs: { model }, metadata: { phase: options.phase, ...(options.name ? { modelName: options.name } : {}), loss: 1.25 } };
  },
});

export const quantizeFixture = defineStep({
  kind: 'test-lineage-quantize',
  description: 'test: model -> a stand-in quantized model file',
  module: import.meta.url,
  inputs: { model: { kind: 'model' } },
  outputs: { model: 'model' },
  options: z.object({ type: z.string() }).strict(),
  async run(ctx, inputs, options) {
    const model = await fixtureModel(ctx, `${options.type}:${inputs.model.sha256}`);
    return { outputs: { model }, metadata: { quantization: options.type } };
  },
});

export const evalFixture = defineStep({
  kind: 'test-lineage-eval',
  description: 'test: base and tuned models -> an eval report with given exact-match scores',
  module: import.meta.url,
  inputs: { tuned: { kind: 'model' }, base: { kind: 'model' } },
  outputs: { report: 'report' },
  options: z.object({ exactMatch: z.number(), baseExactMatch: z.number() }).strict(),
  async run(ctx, inputs, options) {
    const scores = (label: 'base' | 'tuned', ref: ArtifactRef, value: number): ModelScores => ({
      model: { label, sha256: ref.sha256, bytes: ref.bytes, uri: ref.uri },
      metrics: { 'test.exact_match': value },
      n: { 'test.exact_match': 4 },
      timings: {},
    });
    const tuned = scores('tuned', inputs.tuned, options.exactMatch);
    const base = scores('base', inputs.base, options.baseExactMatch);
    const evalReport: EvalReport = { schema: 'eval', version: 1, phase: 'final', settings: {}, metrics: buildRows(tuned, base), models: { tuned, base }, skipped: {} };
    const report = await writeJsonArtifact(ctx.store, evalReport, 'report', 'eval');
    // What the real evaluate step puts in its metadata.
    const metrics = Object.fromEntries(evalReport.metrics.map((m) => [m.name, { tuned: m.tuned, base: m.base, delta: m.delta }]));
    return { outputs: { report }, metadata: { phase: 'final', metrics, skipped: {} } };
  },
});

export const LINEAGE_FIXTURE_STEPS = [trainFixture, quantizeFixture, evalFixture];
