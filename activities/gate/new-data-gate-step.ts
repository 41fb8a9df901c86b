import fs from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readWholeLines } from '../../core/artifacts/lines.js';
import { canonicalJson } from '../../core/cache/canonical.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { readRecords } from '../../core/stage/records-io.js';
import { connectClient } from '../../core/temporal/client.js';
import { findBaseline, NEW_DATA_GATE_KIND } from './baseline.js';

/** Seed 004 (maintenance schedule, weekly): "Retrain model with new data (if >= 1000 new examples)". */
export const DEFAULT_NEW_DATA_THRESHOLD = 1000;

/** Stable reason code in the halt reason and the step's metadata. */
export const NOT_ENOUGH_NEW_DATA = 'not_enough_new_data';

export const newDataGateOptions = z
  .object({
    threshold: z.number().int().nonnegative().default(DEFAULT_NEW_DATA_THRESHOLD).describe('fewest new examples that let the run go on (seed 004: >= 1000)'),
    idField: z.string().min(1).default('id').describe("the record's stable id; records without it are identified by the sha256 of their canonical JSON"),
    key: z.string().min(1).optional().describe('which earlier gate this one compares with; default "<pipeline>/<step id>"'),
    lookback: z.number().int().positive().default(500).describe('how many completed runs to scan for the last successful one'),
  })
  .strict();

/**
 * The weekly-retrain gate: counts the examples whose ids no earlier successful run of the same
 * pipeline saw (the ids that run's gate stored). Under the threshold the run ends as `skipped`
 * with the count and the reason; otherwise the records pass on to training.
 */
export const newDataGateStep = defineStep({
  kind: NEW_DATA_GATE_KIND,
  description: 'Go on only when enough examples are new since the last successful run (weekly retrain rule)',
  module: import.meta.url,
  inputs: { records: { kind: 'records' } },
  outputs: { records: 'records', ids: 'index' },
  options: newDataGateOptions,
  // The answer depends on other runs' outcomes, not only on the inputs: never serve it from the cache.
  cache: false,
  async run(ctx, inputs, options) {
    const { client, close } = await connectClient(ctx.config);
    try {
      const pipeline = ctx.pipeline;
      const key = options.key ?? `${pipeline}/${ctx.stepId}`;
      const baseline = await findBaseline(client, { pipeline, key, excludeRunId: ctx.runId, lookback: options.lookback });
      const seen = new Set<string>();
      if (baseline) {
        for await (const raw of readWholeLines(await ctx.store.read(baseline.ids), baseline.ids.uri)) if (raw.bytes.length > 0) seen.add(raw.bytes.toString('utf8'));
      }

      const ids = await ctx.store.writer('.txt');
      const out = await fs.open(ids.path, 'w');
      const current = new Set<string>();
      let total = 0;
      let fresh = 0;
      try {
        let buffer: string[] = [];
        for await (const { value } of readRecords(ctx.store, inputs.records)) {
          total++;
          const id = recordId(value, options.idField);
          if (current.has(id)) continue;
          current.add(id);
          if (!seen.has(id)) fresh++;
          buffer.push(id);
          if (buffer.length >= 10_000) {
            await out.write(buffer.join('\n') + '\n');
            buffer = [];
            ctx.heartbeat({ done: total, total: inputs.records.records, unit: 'records' });
          }
        }
        if (buffer.length > 0) await out.write(buffer.join('\n') + '\n');
      } catch (err) {
        // A failed write (a full disk) leaves no temp file.
        await out.close();
        await ids.abort();
        throw err;
      }
      await out.close();
      const idsRef = await ids.commit({ kind: 'index', schema: 'record-ids', records: current.size });
      const go = fresh >= options.threshold;
      const since = baseline ? `since run ${baseline.runId}` : 'with no earlier successful run';
      const reason = `${NOT_ENOUGH_NEW_DATA}: ${fresh} new examples ${since} (threshold ${options.threshold})`;
      const metadata = {
        key,
        decision: go ? 'run' : 'skip',
        newExamples: fresh,
        total,
        distinct: current.size,
        threshold: options.threshold,
        baselineRun: baseline?.runId ?? null,
        ...(go ? {} : { reason: NOT_ENOUGH_NEW_DATA }),
      };
      ctx.log.info(metadata, go ? 'new-data gate: enough new data' : 'new-data gate: not enough new data');
      return { outputs: { records: inputs.records, ids: idsRef }, metadata, ...(go ? {} : { halt: { reason } }) };
    } finally {
      await close();
    }
  },
});

/** The record's id field when it is a string or number, else a digest of the whole record. */
export function recordId(record: unknown, idField: string): string {
  if (record && typeof record === 'object' && !Array.isArray(record)) {
    const v = (record as Record<string, unknown>)[idField];
    if (typeof v === 'string' && v.length > 0) return v.replace(/\n/g, ' ');
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return `sha256:${createHash('sha256').update(canonicalJson(record)).digest('hex')}`;
}
