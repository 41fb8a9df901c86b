import path from 'node:path';
import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, RecordsWriter } from '../../core/stage/records-io.js';
import { sha256File } from '../../core/artifacts/hash.js';
import { checkInputFile, emptyInputWarning } from '../../core/artifacts/input-file.js';

/**
 * Brings a JSONL file (one JSON object per line) into the store. The file's digest is the step's
 * fingerprint, so an edited file is never served from the cache.
 * Messy user files belong in the `validate` stage, which reports each bad line.
 */
export const readJsonlStep = defineStep({
  kind: 'read-jsonl',
  description: 'Load a JSONL file of records into the artifact store',
  module: import.meta.url,
  inputs: {},
  outputs: { records: 'records' },
  options: z.object({ path: z.string().min(1), schema: z.string().default('any') }).strict(),
  paths: { path: 'read' },
  // The file is copied into the store byte for byte (DESIGN: PII before storage).
  storesRaw: () => true,
  async fingerprint(options) {
    return (await sha256File(path.resolve(options.path)).catch(() => ({ sha256: 'missing' }))).sha256;
  },
  async run(ctx, _inputs, options) {
    const file = path.resolve(options.path);
    // An empty file is not an error (a week without new data), but it is said, in the log and the step's metadata.
    const warning = (await checkInputFile({ file, records: true })) === 0 ? emptyInputWarning(file) : undefined;
    if (warning) ctx.log.warn({ file }, warning);
    const imported = await ctx.store.putFile(file, { kind: 'file', schema: 'jsonl' });
    const out = await RecordsWriter.open(ctx.store);
    try {
      for await (const { value, line } of readRecords(ctx.store, imported, file)) {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          throw new PipelineError('INVALID_INPUT_DATA', `${file}:${line}: not a JSON object`, [{ path: `${file}:${line}`, message: 'not a JSON object' }]);
        }
        await out.write(value);
        if (out.count % 10_000 === 0) ctx.heartbeat({ done: out.count, unit: 'records' });
      }
    } catch (err) {
      await out.abort();
      throw err;
    }
    const records = await out.commit(options.schema);
    return { outputs: { records }, metadata: { records: records.records, sourceSha256: imported.sha256, sourcePath: file, ...(warning ? { warning } : {}) } };
  },
});
