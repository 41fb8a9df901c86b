import fs from 'node:fs/promises';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { PipelineError } from '../../../core/errors.js';
import { readShardManifest } from '../../../core/shards/manifest.js';
import { readJsonArtifact, writeJsonArtifact } from '../../../core/stage/records-io.js';
import { minhashParams } from '../../dedup/options.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { manifestOf } from '../../shards/fan-out.js';
import { inShardOrder, readParts } from '../../shards/merge.js';
import { clusterAndAssign, type ClusterAssignResult } from '../cluster-assign.js';
import { KeyGatherer, type GatheredKeys } from '../gather.js';
import type { SplitSummary } from '../report.js';
import { signingParams, type SplitOptions } from '../split-step.js';

export type AssignShardsInput = ExecuteStepInput & { gathered: ArtifactRef };

/** The `schema` of the assignment: one byte a record (assign.ts TRAIN, VALID, TEST), records in manifest order. */
export const SPLIT_ASSIGNMENT_SCHEMA = 'split-assignment-v1';

/** What the assignment phase hands to the writers and the finish. */
export interface SplitPlan extends Omit<ClusterAssignResult, 'split'> {
  assignment: ArtifactRef;
  /** Each shard's first record in the assignment. */
  recordStart: number[];
  total: number;
  signatures: SplitSummary['signatures'];
  ms: { assign: number };
}

/**
 * Phase 2, one activity: every shard's keys and signatures, shard 0's records first, into the
 * arrays the one-host step builds in its first pass; then the one-host step's own clustering and
 * assignment (cluster-assign.ts). A cluster may span any shards, and quotas hold per stratum over
 * the whole dataset, so this cannot be done per shard. Its memory is the one-host step's: exact
 * keys and signatures of every record (8 + 4 x permutations bytes each).
 */
export async function assignShards(ctx: ShardWorkContext, deps: ActivityDeps, input: AssignShardsInput): Promise<ArtifactRef> {
  const t0 = Date.now();
  const o = input.options as SplitOptions;
  const params = minhashParams(o);
  const P = signingParams(o, params).permutations;
  const manifest = await readShardManifest(deps.store, manifestOf(input, 'records'));
  const parts = inShardOrder(await readParts(deps.store, [input.gathered]), manifest.shards.length);
  const recordStart: number[] = [];
  let total = 0;
  for (const p of parts) {
    recordStart.push(total);
    total += p.metadata.records as number;
  }
  const keys = new KeyGatherer(o);
  const exact = new Uint32Array(2 * total);
  const sigs = new Uint32Array(total * P);
  for (const [s, p] of parts.entries()) {
    const shardKeys = await readJsonArtifact<GatheredKeys>(deps.store, p.outputs.keys!);
    const buf = await fs.readFile(await deps.store.localPath(p.outputs.signatures!));
    const n = shardKeys.records;
    if (n !== p.metadata.records || buf.length !== 4 * n * (2 + P)) {
      throw new PipelineError('ARTIFACT_CORRUPT', `split shard ${s}: ${buf.length} bytes of signatures and ${n} records of keys do not match its ${String(p.metadata.records)} records`);
    }
    const u32 = new Uint32Array(new Uint8Array(buf).buffer);
    exact.set(u32.subarray(0, 2 * n), 2 * recordStart[s]!);
    sigs.set(u32.subarray(2 * n), P * recordStart[s]!);
    keys.absorb(shardKeys);
    ctx.heartbeat({ done: s + 1, total: parts.length, unit: 'shards', message: 'reading' });
  }
  const { split, ...assigned } = await clusterAndAssign({ keys, exact, sigs, params, o, heartbeat: ctx.heartbeat });
  // A shard manifest's input was never signed by a one-host dedup, so its index cannot be reused (dedup-signatures.ts).
  const signatures = { source: 'signed', why: input.inputs.index ? 'the input is a shard manifest: each shard signs its own records' : 'no dedup index given' };
  const assignment = await deps.store.putBytes(split, '.bin', { kind: 'index', schema: SPLIT_ASSIGNMENT_SCHEMA, records: total });
  const plan: SplitPlan = { ...assigned, assignment, recordStart, total, signatures, ms: { assign: Date.now() - t0 } };
  return writeJsonArtifact(deps.store, plan, 'manifest', 'split-shard-plan-v1');
}
