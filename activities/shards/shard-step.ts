import path from 'node:path';
import { z } from 'zod';
import { sha256File } from '../../core/artifacts/hash.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeShardManifest } from '../../core/shards/manifest.js';
import { splitLines } from './split-lines.js';

/**
 * The most shards one manifest may list. Each shard of a sharded step is about three events in the
 * run's history (scheduled, started, completed); Temporal ends a history at 51,200 events, so a few
 * sharded steps of 4,096 shards each fit in one run (docs/architecture.md, Sharded data stages).
 */
export const MAX_SHARDS = 4096;

export const shardOptionsSchema = z
  .object({
    shards: z.number().int().min(1).max(MAX_SHARDS).default(16),
    /** A user's file to shard as it is, in place of the `records` input (a sharded `validate` then reads it). */
    path: z.string().min(1).optional(),
    /** The shards' record schema when sharding a file by `path`. */
    schema: z.string().default('jsonl'),
  })
  .strict();

/**
 * shard: splits a records artifact, or a user's file, into `shards` contiguous runs of whole lines
 * and writes a shard manifest. Record stages, dedup, split and mix given the manifest fan out, one
 * activity per shard. Deterministic: the same bytes and count always give the same shards.
 */
export const shardStep = defineStep({
  kind: 'shard',
  description: 'Split records (or a JSONL file) into N shards and write a shard manifest for the sharded stages',
  module: import.meta.url,
  paths: { path: 'read' },
  inputs: { records: { kind: 'records', optional: true, pathOption: 'path' } },
  outputs: { shards: 'shards' },
  options: shardOptionsSchema,
  cli: { in: 'records', out: 'shards' },
  // A user's file is copied as it is, unscrubbed (DESIGN: PII before storage).
  storesRaw: (options) => Boolean(options.path),
  async fingerprint(options) {
    if (!options.path) return '';
    return (await sha256File(path.resolve(options.path)).catch(() => ({ sha256: 'missing' }))).sha256;
  },
  async run(ctx, inputs, options) {
    let file: string;
    let schema: string;
    if (inputs.records) {
      file = await ctx.store.localPath(inputs.records);
      schema = inputs.records.schema;
    } else if (options.path) {
      file = path.resolve(options.path);
      schema = options.schema;
    } else {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'shard needs a `records` input or a `path` option', [{ path: 'options.path', message: 'missing' }]);
    }
    const refs = await splitLines(ctx.store, file, options.shards, schema, (done) => ctx.heartbeat({ done, unit: 'lines' }));
    const shards = await writeShardManifest(ctx.store, refs, schema);
    return { outputs: { shards }, metadata: { shards: refs.length, records: shards.records } };
  },
});
