import fs from 'node:fs/promises';
import { defineStep } from '../../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';
import { runStageStep, sourceName } from '../../../core/stage/step.js';
import { stageAt } from '../../../core/stage/stage.js';
import { configuredPiiKey, usesEncrypt } from './encrypt.js';
import { piiOptionsSchema } from './options.js';

/**
 * pii: finds personal data and secrets in curated records and replaces, masks, hashes or
 * pseudonymises them, or drops the record. The report counts findings per type, never values.
 */
export const piiStep = defineStep({
  kind: 'pii',
  description: 'Scrub personal data and secrets (typed placeholders, mask, salted hash, consistent pseudonyms, AES-GCM encryption, or drop)',
  module: import.meta.url,
  paths: { 'ner.model': 'read', 'ner.vocab': 'read', 'ner.config': 'read' },
  inputs: { records: { kind: 'records' } },
  outputs: { records: 'records', rejects: 'records', report: 'report' },
  options: piiOptionsSchema,
  cli: { in: 'records', out: 'records', rejects: 'rejects' },
  // Given a shard manifest, one activity per shard (activities/shards/); kept records stay sharded.
  shardable: { input: 'records', sharded: ['records'] },
  async run(ctx, inputs, options) {
    // A missing or malformed key fails the step before any record is read, as a non-retryable CONFIG error.
    if (usesEncrypt(options)) configuredPiiKey();
    const file = await ctx.store.localPath(inputs.records);
    const { size } = await fs.stat(file);
    const source = sourceName(ctx, 'records', inputs.records);
    // onnxruntime (the optional NER model) runs in worker threads: a plain Node realm whatever loaded the step.
    const out = await runStageStep(ctx, {
      stage: stageAt('./stage.js', import.meta.url), options, source, input: { file }, inputBytes: size, threads: options.threads, isolate: Boolean(options.ner),
      schema: inputs.records.schema === 'file' ? 'curated-record' : inputs.records.schema, totalHint: inputs.records.records,
    });
    const summary = { ...out.stats, ...out.counters, operator: options.operator, operators: options.operators, types: options.types };
    const report = await writeJsonArtifact(ctx.store, summary, 'report', 'pii-report');
    return { outputs: { records: out.records, rejects: out.rejects, report }, metadata: summary };
  },
});
