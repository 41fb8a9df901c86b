import fs from 'node:fs/promises';
import path from 'node:path';
import { readWholeLines } from '../../core/artifacts/lines.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { bucketStream, chunkCount, countSource, drawSource, routeStream, shuffleRows, shuffleStream } from './draw.js';
import { allocateBuckets, loadManifest, mixOptions, mixSummary, mixTotal, multiplicities, weighBuckets } from './plan.js';
import { sourceLines } from './sources.js';

export { loadManifest, mixOptions, multiplicities } from './plan.js';

/**
 * Weighted sampling of a manifest's buckets to exactly `total` records. Counts per bucket are exact
 * (largest remainder); a bucket gives distinct records while it can, and when it is smaller than its
 * share every record is repeated floor(share/size) times plus a seeded draw for the remainder, which
 * the report lists as oversampled. Weight 0 excludes a bucket; a weighted bucket that is missing or
 * empty is an error. Memory holds one index per record of a bucket and one shuffle chunk. Given a
 * manifest made from a sharded dataset, the workflow runs it as a fan-out instead (sharded/).
 */
export const mixStep = defineStep({
  kind: 'mix',
  description: 'Weighted mix of manifest buckets (seed 002 phase presets or custom weights)',
  module: import.meta.url,
  inputs: { manifest: { kind: 'manifest' } },
  outputs: { records: 'records', report: 'report' },
  options: mixOptions,
  cli: { in: 'manifest', out: 'records' },
  shardable: { input: 'manifest', sharded: [], fanOut: 'mix' },
  async run(ctx, inputs, o) {
    const manifest = await loadManifest(ctx.store, inputs.manifest);
    const baseDir = process.cwd();
    const w = weighBuckets(manifest, o, baseDir);
    // Count what each weighted bucket holds: one pass per distinct source, however many buckets share it.
    const available = new Map<string, number>();
    for (const members of w.groups.values()) await countSource(sourceLines(ctx.store, members[0]!, baseDir), members, available);
    const plans = allocateBuckets(w, available);

    // Draw and write: straight to the output, or through seeded chunks that are shuffled one at a time.
    const out = await RecordsWriter.open(ctx.store);
    const chunkFiles = Array.from({ length: chunkCount(o, mixTotal(plans)) }, (_, i) => path.join(ctx.workDir, `chunk-${i}.jsonl`));
    const chunks = chunkFiles.map((f) => RecordsWriter.toFile(f));
    const route = routeStream(o);
    const emit = chunks.length === 0 ? (json: string) => out.writeLine(json) : (json: string) => chunks[route() % chunks.length]!.writeLine(json);
    const draws = new Map(plans.map((p) => [p.name, { times: multiplicities(p.available, p.requested, bucketStream(o, p.name)), next: 0 }]));
    try {
      let done = 0;
      for (const members of w.groups.values()) {
        await drawSource(sourceLines(ctx.store, members[0]!, baseDir), members, o, draws, emit);
        done += members.length;
        ctx.heartbeat({ message: 'drawing', done, total: plans.length, unit: 'buckets' });
      }
      for (const c of chunks) await c.close();
      const shuffle = shuffleStream(o);
      const decoder = new TextDecoder('utf-8');
      for (const f of chunkFiles) {
        const rows: string[] = [];
        for await (const raw of readWholeLines(f, f)) if (raw.bytes.length > 0) rows.push(decoder.decode(raw.bytes));
        shuffleRows(rows, shuffle);
        for (const r of rows) await out.writeLine(r);
        await fs.rm(f);
      }
    } catch (err) {
      for (const c of chunks) await c.abort();
      await out.abort();
      throw err;
    }
    const records = await out.commit('any');
    const summary = mixSummary(o, mixTotal(plans), plans, w.excluded);
    const report = await writeJsonArtifact(ctx.store, summary, 'report', 'mix-report');
    return { outputs: { records, report }, metadata: { ...summary, records: records.records } };
  },
});
