import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { writeShardManifest, readShardManifest } from '../../../core/shards/manifest.js';
import { readJsonArtifact, RecordsWriter } from '../../../core/stage/records-io.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput, ExecuteStepResult } from '../../execute/execute-step-activity.js';
import { manifestOf, type RunShardInput } from '../../shards/fan-out.js';
import { concatRecords, inShardOrder, readParts, writeParts } from '../../shards/merge.js';
import { duplicateRejectLine, type DuplicateOf } from '../cluster.js';
import { signedFields, withSigned } from '../index-file.js';
import { readLines } from '../raw-io.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import type { DedupPlan, ShardDecisions } from './cluster-shards.js';
import { shardedDedupOptions } from './options.js';

export type WriteShardInput = RunShardInput & { plan: ArtifactRef };
export type FinishDedupInput = ExecuteStepInput & { cacheKey: string; parts: ArtifactRef[]; plan: ArtifactRef };

/** Phase 4, one activity per shard: the shard's survivors and its rejects, in its order, as the one-host step's second pass writes them. */
export async function writeShard(ctx: ShardWorkContext, deps: ActivityDeps, input: WriteShardInput): Promise<ArtifactRef> {
  const shard = (await readShardManifest(deps.store, manifestOf(input, 'records'))).shards[input.shard]!;
  const plan = await readJsonArtifact<DedupPlan>(deps.store, input.plan);
  const decisions = await readJsonArtifact<ShardDecisions>(deps.store, plan.decisions[input.shard]!);
  const removed = new Map<number, DuplicateOf>(decisions.removed);
  const kept = await RecordsWriter.open(deps.store);
  const rejects = await RecordsWriter.open(deps.store);
  try {
    let k = 0;
    for await (const { text, line } of readLines(deps.store, shard)) {
      const of = removed.get(k++);
      if (of) await rejects.writeLine(duplicateRejectLine(text, decisions.lineStart + line, of));
      else await kept.writeLine(text);
    }
    ctx.heartbeat({ done: k, total: k, unit: 'records', message: 'written' });
  } catch (err) {
    await kept.abort();
    await rejects.abort();
    throw err;
  }
  const outputs = { records: await kept.commit(shard.schema), rejects: await rejects.commit('reject') };
  return writeParts(deps.store, [{ shard: input.shard, outputs, metadata: {} }]);
}

/**
 * The step's outputs: a manifest of the shards' survivors, their rejects in shard order, the index and
 * metadata of the union-find phase. The index that `dedup.cluster` wrote cannot name the survivors'
 * manifest (it did not exist yet); the one this step outputs does (`signed`, first entry 0: a
 * sharded dedup takes no previous index), so that a split of that manifest reuses its signatures.
 */
export async function finishDedup(deps: ActivityDeps, input: FinishDedupInput): Promise<ExecuteStepResult> {
  const manifest = await readShardManifest(deps.store, manifestOf(input, 'records'));
  const parts = inShardOrder(await readParts(deps.store, input.parts), manifest.shards.length);
  const plan = await readJsonArtifact<DedupPlan>(deps.store, input.plan);
  const records = await writeShardManifest(deps.store, parts.map((p) => p.outputs.records!), manifest.schema);
  const outputs = {
    records,
    rejects: await concatRecords(deps.store, parts.map((p) => p.outputs.rejects!)),
    index: await withSigned(deps.store, plan.index, { sha256: records.sha256, first: 0, fields: signedFields(shardedDedupOptions(input).fields) }),
  };
  const metadata = { ...plan.metadata, shards: parts.length };
  await deps.cache.save(input.cacheKey, { outputs, metadata });
  return { status: 'succeeded', outputs, metadata, cacheKey: input.cacheKey, durationMs: 0 };
}
