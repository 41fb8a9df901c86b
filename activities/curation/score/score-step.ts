import fs from 'node:fs/promises';
import { loadConfig } from '../../../core/config.js';
import { defineStep } from '../../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';
import { runStageStep, sourceName } from '../../../core/stage/step.js';
import { stageAt } from '../../../core/stage/stage.js';
import { cypherCheckMode } from './cypher-gate.js';
import { scoreOptionsSchema } from './options.js';

/**
 * score: a 0-10 quality score per record with named components; records under the threshold
 * (seed 004: 7.0) go to the rejects with their breakdown (seed 004's removed_data with reasons).
 */
export const scoreStep = defineStep({
  kind: 'score',
  description: 'Quality score 0-10 (seed 004 formula, Gopher heuristics, task validators, optional ONNX classifier and LLM judge); set aside records under the threshold',
  module: import.meta.url,
  paths: { 'classifier.model': 'read', 'judge.module': 'read' },
  inputs: { records: { kind: 'records' } },
  outputs: { records: 'records', rejects: 'records', report: 'report' },
  options: scoreOptionsSchema,
  cli: { in: 'records', out: 'records', rejects: 'rejects' },
  // Given a shard manifest, one activity per shard (activities/shards/); the threshold is not a count.
  shardable: { input: 'records', sharded: ['records'], same: ['threshold'] },
  // Whether EXPLAIN judges the Cypher answers depends on the worker's NEO4J_URI, not the options:
  // a result the parser alone passed is not reused once a Neo4j is configured (and the reverse).
  async fingerprint(options) {
    const config = loadConfig();
    return cypherCheckMode(options.cypher, config) === 'explain' ? `cypher-explain:${config.neo4j!.uri}` : '';
  },
  async run(ctx, inputs, options) {
    const file = await ctx.store.localPath(inputs.records);
    const { size } = await fs.stat(file);
    // A judge registered in this process is not visible to worker threads: judges run in-process.
    const threads = options.judge?.provider ? 1 : options.threads;
    // onnxruntime runs in a worker thread: a plain Node realm, whatever loaded the step (jest's VM realms included).
    const isolate = Boolean(options.classifier) && !options.judge?.provider;
    const out = await runStageStep(ctx, {
      stage: stageAt('./stage.js', import.meta.url), options, source: sourceName(ctx, 'records', inputs.records), input: { file }, inputBytes: size, threads, isolate,
      schema: inputs.records.schema === 'file' ? 'curated-record' : inputs.records.schema, totalHint: inputs.records.records,
    });
    const summary = { ...out.stats, threshold: options.threshold, ...out.counters };
    const report = await writeJsonArtifact(ctx.store, summary, 'report', 'score-report');
    return { outputs: { records: out.records, rejects: out.rejects, report }, metadata: summary };
  },
});
