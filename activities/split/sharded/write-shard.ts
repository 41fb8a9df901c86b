import fs from 'node:fs/promises';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { PipelineError } from '../../../core/errors.js';
import { readShardManifest } from '../../../core/shards/manifest.js';
import { readJsonArtifact } from '../../../core/stage/records-io.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput, ExecuteStepResult } from '../../execute/execute-step-activity.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { manifestOf, type RunShardInput } from '../../shards/fan-out.js';
import { concatRecords, inShardOrder, readParts, writeParts } from '../../shards/merge.js';
import { SPLITS } from '../assign.js';
import { writeSplits } from '../copy-lines.js';
import { splitSummary, writeSplitReport } from '../report.js';
import type { SplitOptions } from '../split-step.js';
import type { SplitPlan } from './assign-shards.js';

export type WriteSplitShardInput = RunShardInput & { plan: ArtifactRef };
export type FinishSplitInput = ExecuteStepInput & { cacheKey: string; parts: ArtifactRef[]; plan: ArtifactRef };

/**
 * Phase 3, one activity per shard: the shard's records into train, valid and test as the one-host
 * step's second pass writes them, each record's split read from this shard's slice of the
 * assignment (one byte a record), so no shard reads the others' bytes.
 */
export async function writeSplitShard(ctx: ShardWorkContext, deps: ActivityDeps, input: WriteSplitShardInput): Promise<ArtifactRef> {
  const shard = (await readShardManifest(deps.store, manifestOf(input, 'records'))).shards[input.shard]!;
  const plan = await readJsonArtifact<SplitPlan>(deps.store, input.plan);
  const start = plan.recordStart[input.shard]!;
  const end = plan.recordStart[input.shard + 1] ?? plan.total;
  const slice = Buffer.alloc(end - start);
  const file = await fs.open(await deps.store.localPath(plan.assignment));
  try {
    await file.read(slice, 0, slice.length, start);
  } finally {
    await file.close();
  }
  const outputs = await writeSplits(deps.store, shard, (i) => {
    if (i >= slice.length) throw new PipelineError('ARTIFACT_CORRUPT', `split shard ${input.shard}: more records than the ${slice.length} its signatures counted`);
    return slice[i]!;
  }, shard.schema);
  ctx.heartbeat({ done: slice.length, total: slice.length, unit: 'records', message: 'written' });
  return writeParts(deps.store, [{ shard: input.shard, outputs, metadata: {} }]);
}

/**
 * The step's outputs: train, valid and test each as one records artifact, the shards' in shard
 * order (the one-host step's bytes), not a shard manifest: train, evaluate and mix read one
 * `records` artifact, and the test and valid splits are small. The report is the one-host step's.
 */
export async function finishSplit(deps: ActivityDeps, input: FinishSplitInput): Promise<ExecuteStepResult> {
  const t0 = Date.now();
  const manifest = await readShardManifest(deps.store, manifestOf(input, 'records'));
  const parts = inShardOrder(await readParts(deps.store, input.parts), manifest.shards.length);
  const plan = await readJsonArtifact<SplitPlan>(deps.store, input.plan);
  const [train, valid, test] = await Promise.all(SPLITS.map((s) => concatRecords(deps.store, parts.map((p) => p.outputs[s]!))));
  const written = { train: train!, valid: valid!, test: test! };
  const summary = splitSummary(input.options as SplitOptions, plan.total, written, plan, plan.signatures, { ...plan.ms, write: Date.now() - t0 });
  const { report, metadata } = await writeSplitReport(deps.store, summary, plan.strata);
  const outputs = { ...written, report };
  const result = { outputs, metadata: { ...metadata, shards: parts.length } };
  await deps.cache.save(input.cacheKey, result);
  return { status: 'succeeded', ...result, cacheKey: input.cacheKey, durationMs: 0 };
}
