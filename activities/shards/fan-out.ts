import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { cacheKey } from '../../core/cache/step-cache.js';
import type { AnyStepKind } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readShardManifest, writeShardManifest } from '../../core/shards/manifest.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import type { ActivityDeps } from '../deps.js';
import { executeStep, type ExecuteStepInput, type ExecuteStepResult } from '../execute/execute-step-activity.js';
import { concatRecords, inShardOrder, mergeMetadata, readParts, writeParts } from './merge.js';

/**
 * The activities behind a sharded step (workflows/sharded-step.ts): start (cache lookup, shard
 * count), one `shard.<kind>` per shard, merges of their results, finish. Each takes and returns
 * references only: a manifest, a shard's index, the digests of parts documents.
 */
export interface ShardStartResult {
  /** The whole step served from the step cache. */
  hit?: ExecuteStepResult;
  shards: number;
  cacheKey: string;
}
export type RunShardInput = ExecuteStepInput & { shard: number };
export type FinishShardsInput = ExecuteStepInput & { cacheKey: string; parts: ArtifactRef[] };

function shardable(deps: ActivityDeps, name: string): { kind: AnyStepKind; spec: NonNullable<AnyStepKind['shardable']> } {
  const kind = deps.stepKinds.get(name);
  if (!kind?.shardable) throw new PipelineError('UNKNOWN_STEP_KIND', `step kind "${name}" does not run on shards on this worker`);
  return { kind, spec: kind.shardable };
}

export function manifestOf(input: ExecuteStepInput, name: string): ArtifactRef {
  const ref = input.inputs[name];
  if (!ref || Array.isArray(ref) || ref.kind !== 'shards') throw new PipelineError('STEP_FAILED', `step "${input.stepId}": input "${name}" is not a shard manifest`);
  return ref;
}

/** The whole step's cache key is the unsharded rule's (kind, version, options, input digests): the manifest's digest stands for its shards. */
async function wholeStepKey(kind: AnyStepKind, input: ExecuteStepInput): Promise<string> {
  const fingerprint = kind.fingerprint ? await kind.fingerprint(input.options as never) : undefined;
  return cacheKey({ kind: kind.kind, version: kind.version, options: input.options, inputs: input.inputs, fingerprint });
}

/** The whole step from the cache, or its shard count: the shard manifest's, unless `count` says otherwise (mix: the shards of its buckets' sources). */
export async function startShardedStep(deps: ActivityDeps, input: ExecuteStepInput, count?: () => Promise<number>): Promise<ShardStartResult> {
  const { kind, spec } = shardable(deps, input.kind);
  const key = await wholeStepKey(kind, input);
  if (input.cache && kind.cache !== false) {
    const hit = await deps.cache.lookup(key);
    if (hit) return { hit: { status: 'cached', outputs: hit.outputs, metadata: hit.metadata, cacheKey: key, durationMs: 0 }, shards: 0, cacheKey: key };
  }
  const shards = count ? await count() : (await readShardManifest(deps.store, manifestOf(input, spec.input))).shards.length;
  return { shards, cacheKey: key };
}

/**
 * One shard: the kind's own step body (executeStep: heartbeats, stall check, per-shard cache) on
 * that shard alone. Its outputs are content-addressed, so a retried shard writes the same digests
 * again, over the same files, and never a second copy.
 */
export async function runShard(deps: ActivityDeps, kind: AnyStepKind, input: RunShardInput): Promise<ArtifactRef> {
  const name = kind.shardable!.input;
  const manifest = await readShardManifest(deps.store, manifestOf(input, name));
  const shard = manifest.shards[input.shard];
  if (!shard) throw new PipelineError('STEP_FAILED', `step "${input.stepId}": the manifest has no shard ${input.shard}`);
  const { shard: index, ...step } = input;
  const result = await executeStep(deps, kind, { ...step, stepId: `${input.stepId}.shard-${index}`, inputs: { ...input.inputs, [name]: shard } });
  return writeParts(deps.store, [{ shard: index, outputs: result.outputs, metadata: result.metadata }]);
}

/** Several parts documents as one, so that no payload grows with the number of shards. */
export async function mergeShardParts(deps: ActivityDeps, parts: ArtifactRef[]): Promise<ArtifactRef> {
  return writeParts(deps.store, await readParts(deps.store, parts));
}

/** The step's outputs from its shards', its merged metadata, and the whole step's cache entry. */
export async function finishShardedStep(deps: ActivityDeps, input: FinishShardsInput): Promise<ExecuteStepResult> {
  const { kind, spec } = shardable(deps, input.kind);
  const manifest = await readShardManifest(deps.store, manifestOf(input, spec.input));
  const parts = inShardOrder(await readParts(deps.store, input.parts), manifest.shards.length);
  if (spec.merge) {
    const merged = await spec.merge(deps.store, parts, input.inputs as never, input.options as never);
    const result = { outputs: merged.outputs, metadata: { ...merged.metadata, shards: parts.length } };
    if (kind.cache !== false) await deps.cache.save(input.cacheKey, result);
    return { status: 'succeeded', ...result, cacheKey: input.cacheKey, durationMs: 0 };
  }
  const metadata = { ...mergeMetadata(parts.map((p) => p.metadata), spec.same), shards: parts.length };
  const outputs: Record<string, ArtifactRef> = {};
  for (const [name, outKind] of Object.entries(kind.outputs)) {
    const refs = parts.map((p) => p.outputs[name]!);
    if (spec.sharded.includes(name)) outputs[name] = await writeShardManifest(deps.store, refs, refs[0]!.schema);
    else if (outKind === 'records') outputs[name] = await concatRecords(deps.store, refs);
    else if (outKind === 'report') outputs[name] = await writeJsonArtifact(deps.store, metadata, 'report', refs[0]!.schema);
    else throw new PipelineError('STEP_FAILED', `step kind "${kind.kind}": output "${name}" (${outKind}) cannot be merged from shards`);
  }
  if (kind.cache !== false) await deps.cache.save(input.cacheKey, { outputs, metadata });
  return { status: 'succeeded', outputs, metadata, cacheKey: input.cacheKey, durationMs: 0 };
}
