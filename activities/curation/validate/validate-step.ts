import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../../../core/artifacts/hash.js';
import { checkInputFile, emptyInputWarning } from '../../../core/artifacts/input-file.js';
import { defineStep } from '../../../core/dsl/step-kind.js';
import { PipelineError } from '../../../core/errors.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';
import { readUnits } from '../formats/index.js';
import { stageAt } from '../../../core/stage/stage.js';
import { runStageStep, sourceName } from '../../../core/stage/step.js';
import { validateOptionsSchema } from './options.js';

/**
 * validate: reads a raw user file (JSONL, JSON array or Parquet), sets aside every bad line with a
 * reason code and writes the rest in the canonical record form. kept + rejected = units read. With
 * `scrub` (pii options) the records and rejects are scrubbed before they are written.
 */
export const validateStep = defineStep({
  kind: 'validate',
  description: 'Check a raw data file line by line; keep valid records in canonical form, reject the rest with reason codes',
  module: import.meta.url,
  paths: { path: 'read', 'scrub.ner.model': 'read', 'scrub.ner.vocab': 'read', 'scrub.ner.config': 'read' },
  inputs: { records: { kind: 'records', optional: true, pathOption: 'path' } },
  outputs: { records: 'records', rejects: 'records', report: 'report' },
  options: validateOptionsSchema,
  cli: { in: 'records', out: 'records', rejects: 'rejects' },
  // Given a shard manifest, one activity per shard (activities/shards/); kept records stay sharded.
  shardable: { input: 'records', sharded: ['records'] },
  // A user's file, canonicalised but unscrubbed, unless `scrub` is set (a `records` input is already stored).
  storesRaw: (options) => Boolean(options.path) && !options.scrub,
  async fingerprint(options) {
    if (!options.path) return '';
    return (await sha256File(path.resolve(options.path)).catch(() => ({ sha256: 'missing' }))).sha256;
  },
  async run(ctx, inputs, options) {
    let file: string;
    let warning: string | undefined;
    if (inputs.records) file = await ctx.store.localPath(inputs.records);
    else if (options.path) {
      file = path.resolve(options.path);
      // An empty file is not an error, but it is said, in the log and the step's metadata.
      if ((await checkInputFile({ file, records: true })) === 0) warning = emptyInputWarning(file);
      if (warning) ctx.log.warn({ file }, warning);
    } else {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'validate needs a `records` input or a `path` option', [{ path: 'options.path', message: 'missing' }]);
    }
    const source = sourceName(ctx, 'records', inputs.records, options.path);
    const { size } = await fs.stat(file);
    // A file from outside the store is hashed for the lineage's source files: JSONL as it is read
    // (no second read), the other formats beside the validation.
    const byPath = !inputs.records;
    const hasher = createHash('sha256');
    // A line is read whole only up to maxRecordBytes: a longer one is rejected as too_large anyway.
    const { format, input } = await readUnits(file, options.inputFormat, { onBytes: byPath ? (bytes) => hasher.update(bytes) : undefined, maxLineBytes: options.maxRecordBytes });
    const beside = byPath && !('file' in input) ? sha256File(file).catch(() => undefined) : undefined;
    // With `scrub`, one pass validates and scrubs: nothing unscrubbed is ever written (validate/scrubbing.ts).
    // Each stageAt names its file literally: the step's code version covers both (core/cache/code-version.ts).
    const stage = options.scrub ? stageAt('./scrubbing.js', import.meta.url) : stageAt('./validator.js', import.meta.url);
    const out = await runStageStep(ctx, { stage, options, source, input, inputBytes: size, threads: options.threads, isolate: Boolean(options.scrub?.ner), schema: 'curated-record' });
    const sourceSha256 = !byPath ? undefined : 'file' in input ? hasher.digest('hex') : (await beside)?.sha256;
    const sourceFile = sourceSha256 ? { sourceSha256, sourcePath: file } : {};
    // Counts only (formats, pii findings per type), never a value: the run report shows it.
    const summary = { ...out.stats, inputFormat: format, inputBytes: size, ...out.counters, ...(options.scrub ? { scrubbed: true } : {}), ...(warning ? { warning } : {}) };
    const report = await writeJsonArtifact(ctx.store, summary, 'report', options.scrub ? 'validate-scrub-report' : 'validate-report');
    return { outputs: { records: out.records, rejects: out.rejects, report }, metadata: { ...summary, ...sourceFile } };
  },
});
