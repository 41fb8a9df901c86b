import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineStep, type StepContext } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { openLineageStore, type ArtifactInfo, type LineageStore } from '../lineage/index.js';
import { listFiles, requireRoot } from './corpus.js';
import { derivedFromArtifacts, derivedFromSource } from './forget.js';
import { holdsRecord, removeRecord } from './record-filter.js';
import { LAYOUT } from './seed004.js';

const options = z
  .object({
    source: z.string().min(1).describe('the source file (as a pipeline read it) whose record, or all of it, is to be forgotten'),
    record: z.string().min(1).optional().describe('the id of the one record to forget; without it, the whole file'),
    idField: z.string().min(1).default('id').describe('the field that holds a record\'s id'),
    root: z.string().min(1).optional().describe('a seed 004 data folder whose raw, processed, synthetic data and archive also lose the record'),
  })
  .strict();

async function sha256Of(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const localFile = (a: ArtifactInfo): string | undefined => {
  const uri = typeof a.props.uri === 'string' ? a.props.uri : '';
  return uri.startsWith('file://') ? uri.slice('file://'.length) : undefined;
};

/**
 * Deletion by source, for data subject requests (seed 004 line 304, "GDPR: Right to deletion"):
 * finds through lineage every dataset and model built from the source file, deletes from the
 * artifact store each derived dataset that holds the record (all of them when the whole file is
 * forgotten: a derived dataset cannot be trusted to have kept ids), removes the record from the
 * source file (or deletes the file) and from the data folder, and lists the models to retrain:
 * a model cannot unlearn, it can only be trained again without the record.
 */
export const opsForgetStep = defineStep({
  kind: 'ops-forget',
  description: 'Delete a source record or file from the stores; list the datasets and models built from it (data subject requests)',
  module: import.meta.url,
  inputs: {},
  outputs: { report: 'report' },
  options,
  paths: { source: 'write', root: 'write' },
  cache: false,
  async run(ctx, _inputs, o) {
    let sha256: string;
    try {
      sha256 = await sha256Of(o.source);
    } catch (err) {
      throw new PipelineError('INVALID_STEP_OPTIONS', `source: cannot read ${o.source} (${(err as Error).message})`, [{ path: 'source', message: 'not readable' }]);
    }
    if (o.root !== undefined) await requireRoot(o.root);
    if (o.record !== undefined && !(await holdsRecord(o.source, o.idField, o.record))) {
      throw new PipelineError('INVALID_STEP_OPTIONS', `record: no record with ${o.idField} "${o.record}" in ${o.source}`, [{ path: 'record', message: 'not found in source' }]);
    }
    const lineage = openLineageStore(ctx.config);
    try {
      return await forget(ctx, o, sha256, lineage);
    } finally {
      await lineage.close();
    }
  },
});

async function forget(ctx: StepContext, o: z.output<typeof options>, sha256: string, lineage: LineageStore) {
  const derived = await derivedFromSource(lineage, sha256);
  const datasets: { digest: string; records?: number; action: 'deleted' | 'kept' | 'missing' }[] = [];
  for (const d of derived.datasets) {
    const file = localFile(d);
    const records = typeof d.props.records === 'number' ? d.props.records : undefined;
    const exists = file !== undefined && (await fs.stat(file).then(() => true, () => false));
    if (!exists) datasets.push({ digest: d.digest, records, action: 'missing' });
    else if (o.record !== undefined && !(await holdsRecord(file, o.idField, o.record))) datasets.push({ digest: d.digest, records, action: 'kept' });
    else {
      await fs.rm(file);
      datasets.push({ digest: d.digest, records, action: 'deleted' });
    }
  }
  const files: { file: string; removed: number | 'file' }[] = [];
  if (o.record === undefined) {
    await fs.rm(o.source);
    files.push({ file: o.source, removed: 'file' });
  } else {
    files.push({ file: o.source, removed: await removeRecord(o.source, o.idField, o.record) });
  }
  if (o.root !== undefined && o.record !== undefined) {
    const folders = [LAYOUT.raw, LAYOUT.processed, LAYOUT.synthetic, LAYOUT.archive].map((f) => path.join(o.root!, f));
    const candidates = (await Promise.all(folders.map(listFiles))).flat().filter((f) => /\.jsonl(?:\.gz)?$/.test(f));
    for (const file of candidates) {
      if (path.resolve(file) === path.resolve(o.source)) continue;
      const n = await removeRecord(file, o.idField, o.record);
      if (n > 0) files.push({ file: path.relative(o.root, file), removed: n });
    }
  }
  // One record: only the models built from a dataset that held it. The whole file: every model built from it.
  const deleted = datasets.filter((d) => d.action !== 'kept').map((d) => d.digest);
  const kept = new Set(datasets.filter((d) => d.action === 'kept').map((d) => d.digest));
  const models = o.record === undefined ? derived.models : (await derivedFromArtifacts(lineage, deleted, kept)).models;
  const modelsToRetrain = models.map((m) => ({
    digest: m.digest,
    name: typeof m.props.name === 'string' ? m.props.name : undefined,
    how: m.props.trained === true ? 'trained' : 'converted',
    ...(typeof m.props.quantization === 'string' ? { quantization: m.props.quantization } : {}),
  }));
  const report = { source: { path: o.source, sha256 }, record: o.record, runs: derived.runs, steps: derived.steps, datasets, files, modelsToRetrain };
  const stored = await writeJsonArtifact(ctx.store, report, 'report', 'ops-forget');
  return {
    outputs: { report: stored },
    metadata: {
      runs: derived.runs.length,
      datasetsDeleted: datasets.filter((d) => d.action === 'deleted').length,
      datasetsKept: datasets.filter((d) => d.action === 'kept').length,
      modelsToRetrain: [...new Set(modelsToRetrain.filter((m) => m.how === 'trained').map((m) => m.name ?? m.digest))],
    },
  };
}
