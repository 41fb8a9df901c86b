import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { readWholeLines } from '../../../core/artifacts/lines.js';
import { RecordsWriter, writeJsonArtifact } from '../../../core/stage/records-io.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput, ExecuteStepResult } from '../../execute/execute-step-activity.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import type { RunShardInput } from '../../shards/fan-out.js';
import { concatRecords, inShardOrder, readParts, writeParts } from '../../shards/merge.js';
import { bucketStream, drawSource, routeStream, shuffleRows, shuffleStream } from '../draw.js';
import { mixSummary, multiplicities, type MixOptions } from '../plan.js';
import { sourceLines } from '../sources.js';
import { readPlan } from './allocate.js';
import { mixUnits } from './units.js';

export type DrawUnitInput = RunShardInput & { plan: ArtifactRef };
export type FinishMixInput = ExecuteStepInput & { cacheKey: string; parts: ArtifactRef[]; plan: ArtifactRef };

/**
 * Phase 3, one activity per unit: the unit's records drawn as often as the plan says, each sent by
 * the unit's own seeded stream to one of the plan's shuffle chunks (one records artifact each), so
 * that a retried unit writes the same bytes again.
 */
export async function drawUnit(ctx: ShardWorkContext, deps: ActivityDeps, input: DrawUnitInput): Promise<ArtifactRef> {
  const { o, units } = await mixUnits(deps.store, input);
  const plan = await readPlan(deps, input.plan);
  const unit = units[input.shard]!;
  const mine = plan.units[input.shard]!;
  const draws = new Map(unit.members.map((b) => [b.name, { times: multiplicities(mine[b.name]?.available ?? 0, mine[b.name]?.requested ?? 0, bucketStream(o, b.name, unit.key)), next: 0 }]));
  const chunks = await Promise.all(Array.from({ length: Math.max(1, plan.chunks) }, () => RecordsWriter.open(deps.store)));
  const route = routeStream(o, unit.key);
  let drawn = 0;
  const emit = (json: string) => {
    if (++drawn % 10_000 === 0) ctx.heartbeat({ message: 'drawing', done: drawn, unit: 'records' });
    return chunks[chunks.length === 1 ? 0 : route() % chunks.length]!.writeLine(json);
  };
  try {
    await drawSource(sourceLines(deps.store, unit.members[0]!, process.cwd(), unit), unit.members, o, draws, emit);
    const outputs: Record<string, ArtifactRef> = {};
    for (const [c, w] of chunks.entries()) outputs[`chunk-${c}`] = await w.commit('any');
    return await writeParts(deps.store, [{ shard: input.shard, outputs, metadata: { drawn } }]);
  } catch (err) {
    for (const w of chunks) await w.abort();
    throw err;
  }
}

/**
 * Phase 4, once: chunk by chunk, every unit's part of it, shuffled in memory (one chunk at a time,
 * as on one host) into the step's one records output, which train reads; without a shuffle, the
 * units' draws one after another. The report is the one-host step's.
 */
export async function finishMix(ctx: ShardWorkContext, deps: ActivityDeps, input: FinishMixInput): Promise<ExecuteStepResult> {
  const o = input.options as MixOptions;
  const plan = await readPlan(deps, input.plan);
  const parts = inShardOrder(await readParts(deps.store, input.parts), plan.units.length);
  let records: ArtifactRef;
  if (plan.chunks === 0) records = await concatRecords(deps.store, parts.map((p) => p.outputs['chunk-0']!));
  else {
    const out = await RecordsWriter.open(deps.store);
    try {
      const shuffle = shuffleStream(o);
      const decoder = new TextDecoder('utf-8');
      for (let c = 0; c < plan.chunks; c++) {
        const rows: string[] = [];
        for (const p of parts) {
          const ref = p.outputs[`chunk-${c}`]!;
          for await (const raw of readWholeLines(await deps.store.localPath(ref), ref.uri)) if (raw.bytes.length > 0) rows.push(decoder.decode(raw.bytes));
        }
        shuffleRows(rows, shuffle);
        for (const r of rows) await out.writeLine(r);
        ctx.heartbeat({ message: 'shuffling', done: c + 1, total: plan.chunks, unit: 'chunks' });
      }
    } catch (err) {
      await out.abort();
      throw err;
    }
    records = await out.commit('any');
  }
  const summary = mixSummary(o, plan.total, plan.buckets, plan.excluded);
  const report = await writeJsonArtifact(deps.store, summary, 'report', 'mix-report');
  const result = { outputs: { records, report }, metadata: { ...summary, records: records.records, shards: parts.length } };
  await deps.cache.save(input.cacheKey, result);
  return { status: 'succeeded', ...result, cacheKey: input.cacheKey, durationMs: 0 };
}
