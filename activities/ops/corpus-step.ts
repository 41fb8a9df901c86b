import { z } from 'zod';
import { defineStep } from '../../core/dsl/step-kind.js';
import { RecordsWriter } from '../../core/stage/records-io.js';
import { readCorpus } from './corpus.js';
import { LAYOUT } from './seed004.js';

/**
 * The field that keeps a corpus record's origin (the convention of the validate stage, which dedup
 * reads), so that a duplicate found later is reported with its file and line.
 */
export const ORIGIN_FIELD = 'provenance';

const options = z
  .object({
    root: z.string().min(1).describe('the seed 004 data folder'),
    folders: z.array(z.string().min(1)).min(1).default([LAYOUT.processed, LAYOUT.synthetic]).describe('folders read, recursively (*.jsonl)'),
  })
  .strict();

/**
 * The whole corpus of a seed 004 data folder as one records artifact, each record with its origin
 * (`provenance: {source, line}`, the file relative to the root): the input of the weekly full-corpus dedup (seed 004 line 320).
 */
export const opsCorpusStep = defineStep({
  kind: 'ops-corpus',
  description: 'Read every JSONL file of the processed and synthetic data into one records artifact',
  module: import.meta.url,
  inputs: {},
  outputs: { records: 'records' },
  options,
  paths: { root: 'read' },
  // The folder changes between runs; its content is the input, so the cache cannot know it.
  cache: false,
  async run(ctx, _inputs, o) {
    const out = await RecordsWriter.open(ctx.store);
    const files = new Set<string>();
    try {
      for await (const r of readCorpus(o.root, o.folders)) {
        files.add(r.file);
        await out.write({ ...r.value, [ORIGIN_FIELD]: { source: r.file, line: r.line } });
      }
    } catch (err) {
      await out.abort();
      throw err;
    }
    const records = await out.commit('instruction');
    return { outputs: { records }, metadata: { files: files.size, records: records.records } };
  },
});
