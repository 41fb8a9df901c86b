import fs from 'node:fs/promises';
import { z } from 'zod';
import { sha256Text } from '../../../core/artifacts/hash.js';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { defineStep } from '../../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';

/**
 * Step kinds for the lineage tests only. They have the input/output kinds of the real training,
 * quantization and evaluation steps (records (+ base model) -> model, model -> model, models ->
 * eval report) so that the lineage rules are exercised without training anything; their files are
 * small deterministic stand-ins, and nothing here claims to be a model.
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
  options: z.object({ phase: z.string(), modelName: z.string().optional() }).strict(),
  async run(ctx, inputs, options) {
    const model = await fixtureModel(ctx, `${options.phase}:${inputs.records.sha256}:${inputs.base?.sha256 ?? ''}`);
    return { outputs: { model }, metadata: { phase: options.phase, ...(options.modelName ? { modelName: options.modelName } : {}), loss: 1.25 } };
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
  description: 'test: base and tuned models -> an eval report with metrics and a promotion decision',
  module: import.meta.url,
  inputs: { base: { kind: 'model' }, model: { kind: 'model' } },
  outputs: { report: 'report' },
  options: z.object({ exactMatch: z.number(), baseExactMatch: z.number(), promote: z.boolean() }).strict(),
  async run(ctx, _inputs, options) {
    const metrics = { tuned: { exact_match: options.exactMatch }, base: { exact_match: options.baseExactMatch } };
    const report = await writeJsonArtifact(ctx.store, metrics, 'report', 'eval');
    return { outputs: { report }, metadata: { metrics, decision: options.promote ? 'promoted' : 'rejected' } };
  },
});

export const LINEAGE_FIXTURE_STEPS = [trainFixture, quantizeFixture, evalFixture];
