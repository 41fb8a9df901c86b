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
import { signaturesFromIndex } from '../dedup-signatures.js';
import { KeyGatherer, type GatheredKeys } from '../gather.js';
import type { SplitSummary } from '../report.js';
import { signingParams, type SplitOptions } from '../split-step.js';
import { dedupIndexOf } from './gather-shard.js';

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
 * keys and signatures of every record (8 + 4 x permutations bytes each). When the shards did not
 * sign (dedup's index signed this manifest, gather-shard.ts), the keys and signatures of every
 * record come from the index instead, read once, whole and digest-checked.
 */
export async function assignShards(ctx: ShardWorkContext, deps: ActivityDeps, input: AssignShardsInput): Promise<ArtifactRef> {
  const t0 = Date.now();
  const o = input.options as SplitOptions;
  const params = minhashParams(o);
  const manifest = await readShardManifest(deps.store, manifestOf(input, 'records'));
  const parts = inShardOrder(await readParts(deps.store, [input.gathered]), manifest.shards.length);
  const recordStart: number[] = [];
  let total = 0;
  for (const p of parts) {
    recordStart.push(total);
    total += p.metadata.records as number;
  }
  const keys = new KeyGatherer(o);
  for (const [s, p] of parts.entries()) {
    const shardKeys = await readJsonArtifact<GatheredKeys>(deps.store, p.outputs.keys!);
    if (shardKeys.records !== p.metadata.records) {
      throw new PipelineError('ARTIFACT_CORRUPT', `split shard ${s}: ${shardKeys.records} records of keys do not match its ${String(p.metadata.records)} records`);
    }
    keys.absorb(shardKeys);
    ctx.heartbeat({ done: s + 1, total: parts.length, unit: 'shards', message: 'reading keys' });
  }
  const { exact, sigs, signatures } = signedByShards(parts) ? await shardSignatures(ctx, deps, input, parts, recordStart, total) : await indexSignatures(deps, input, total);
  const { split, ...assigned } = await clusterAndAssign({ keys, exact, sigs, params, o, heartbeat: ctx.heartbeat });
  const assignment = await deps.store.putBytes(split, '.bin', { kind: 'index', schema: SPLIT_ASSIGNMENT_SCHEMA, records: total });
  const plan: SplitPlan = { ...assigned, assignment, recordStart, total, signatures, ms: { assign: Date.now() - t0 } };
  return writeJsonArtifact(deps.store, plan, 'manifest', 'split-shard-plan-v1');
}

type Part = ReturnType<typeof inShardOrder>[number];
interface Signatures {
  exact: Uint32Array;
  sigs: Uint32Array;
  signatures: SplitSummary['signatures'];
}

/** Whether the shards signed their records: all did, or none did (each read the same index header). */
function signedByShards(parts: Part[]): boolean {
  const signed = parts.filter((p) => p.outputs.signatures).length;
  if (signed === parts.length) return true;
  if (signed === 0) return false;
  const s = parts.findIndex((p) => !p.outputs.signatures);
  throw new PipelineError('ARTIFACT_CORRUPT', `split shard ${s}: gathered no signatures while ${signed} of the ${parts.length} shards signed theirs; the shards disagree on dedup's index`);
}

/** Every shard's exact keys and signatures, shard 0's first; and why the shards signed. */
async function shardSignatures(ctx: ShardWorkContext, deps: ActivityDeps, input: AssignShardsInput, parts: Part[], recordStart: number[], total: number): Promise<Signatures> {
  const o = input.options as SplitOptions;
  const P = signingParams(o, minhashParams(o)).permutations;
  const exact = new Uint32Array(2 * total);
  const sigs = new Uint32Array(total * P);
  for (const [s, p] of parts.entries()) {
    const buf = await fs.readFile(await deps.store.localPath(p.outputs.signatures!));
    const n = p.metadata.records as number;
    if (buf.length !== 4 * n * (2 + P)) throw new PipelineError('ARTIFACT_CORRUPT', `split shard ${s}: ${buf.length} bytes of signatures do not match its ${n} records`);
    const u32 = new Uint32Array(new Uint8Array(buf).buffer);
    exact.set(u32.subarray(0, 2 * n), 2 * recordStart[s]!);
    sigs.set(u32.subarray(2 * n), P * recordStart[s]!);
    ctx.heartbeat({ done: s + 1, total: parts.length, unit: 'shards', message: 'reading signatures' });
  }
  // Every shard read the same index header, so shard 0's reason is every shard's.
  const why = typeof parts[0]?.metadata.why === 'string' ? parts[0].metadata.why : 'the shards signed their records';
  return { exact, sigs, signatures: { source: 'signed', why } };
}

/** Every record's exact key and signature from dedup's index, which signed this manifest (the shards checked its header): one read, whole and digest-checked. */
async function indexSignatures(deps: ActivityDeps, input: AssignShardsInput, total: number): Promise<Signatures> {
  const o = input.options as SplitOptions;
  const reused = await signaturesFromIndex(deps.store, dedupIndexOf(input), manifestOf(input, 'records'), minhashParams(o), o.fields);
  if ('reason' in reused) throw new PipelineError('ARTIFACT_CORRUPT', `the split shards took their signatures from dedup's index, but it does not fit: ${reused.reason}`);
  if (reused.count !== total) throw new PipelineError('ARTIFACT_CORRUPT', `the dedup index signed ${reused.count} records, the shards of its records manifest hold ${total}`);
  return { exact: reused.exact, sigs: reused.sigs, signatures: { source: 'dedup-index' } };
}
