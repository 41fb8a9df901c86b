import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { PipelineError } from '../../../core/errors.js';
import { readShardManifest } from '../../../core/shards/manifest.js';
import { recordProgress } from '../../../core/stage/progress.js';
import { readRecords, writeJsonArtifact } from '../../../core/stage/records-io.js';
import { readIndexHeader } from '../../dedup/index-file.js';
import { minhashParams } from '../../dedup/options.js';
import { SignatureTable } from '../../dedup/signatures.js';
import { recordText } from '../../dedup/text.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { manifestOf, type RunShardInput } from '../../shards/fan-out.js';
import { writeParts } from '../../shards/merge.js';
import { indexMismatch } from '../dedup-signatures.js';
import { KeyGatherer } from '../gather.js';
import { signingParams, type SplitOptions } from '../split-step.js';

/** The `schema` of a shard's keys document (gather.ts GatheredKeys). */
export const SPLIT_SHARD_KEYS_SCHEMA = 'split-shard-keys-v1';
/** The `schema` of a shard's exact keys (two u32 a record) followed by its signatures (u32, `permutations` a record). */
export const SPLIT_SHARD_SIGNATURES_SCHEMA = 'split-shard-signatures-v1';

/**
 * Phase 1 of a sharded split, one activity per shard: the one-host step's first pass on this shard
 * (strata, group keys, exact keys, signatures), records numbered within the shard. Returns a parts
 * document (outputs.keys, outputs.signatures, metadata.records) for the merge tree. When dedup's
 * index signed this very manifest (its header says so, read alone here), the shard does not sign:
 * it gathers strata and group keys only and writes no `signatures`, and `split.assign` takes every
 * record's signature from the index. (Dedup's own shard signatures from `dedup.sign` are of its
 * input, not of its survivors; the index holds the survivors', in manifest order.)
 */
export async function gatherShard(ctx: ShardWorkContext, deps: ActivityDeps, input: RunShardInput): Promise<ArtifactRef> {
  const o = input.options as SplitOptions;
  const shard = (await readShardManifest(deps.store, manifestOf(input, 'records'))).shards[input.shard]!;
  const params = signingParams(o, minhashParams(o));
  const keys = new KeyGatherer(o, `shard ${input.shard}, `);
  // Why this shard signs; undefined when dedup's index stands for its signatures.
  const why = await whyNotIndex(deps, input, o);
  const table = why === undefined ? undefined : new SignatureTable(params, shard.records ?? 0, o.threads);
  try {
    const progress = recordProgress(ctx, shard.records, table ? 'hashing' : 'reading keys');
    for await (const { value, line } of readRecords<Record<string, unknown>>(ctx.store, shard)) {
      const record = keys.add(value, line);
      if (table) await table.add(recordText(record, o.fields));
      progress(keys.count);
    }
    await table?.finish();
  } finally {
    await table?.close();
  }
  const n = keys.count;
  const outputs: Record<string, ArtifactRef> = { keys: await writeJsonArtifact(deps.store, keys.keys(), 'manifest', SPLIT_SHARD_KEYS_SCHEMA) };
  if (table) {
    const arrays = [table.exact.subarray(0, 2 * n), table.sigs.subarray(0, n * params.permutations)];
    const bytes = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    outputs.signatures = await deps.store.putBytes(bytes, '.bin', { kind: 'index', schema: SPLIT_SHARD_SIGNATURES_SCHEMA, records: n });
  }
  return writeParts(deps.store, [{ shard: input.shard, outputs, metadata: { records: n, ...(why !== undefined ? { why } : {}) } }]);
}

/**
 * Why dedup's index (the `index` input) cannot stand for this split's signatures, or undefined when
 * it signed this manifest by the same fields and parameters: from its header alone, so that a shard
 * does not read the whole index. The reason travels in the shard's metadata to the split's report.
 */
async function whyNotIndex(deps: ActivityDeps, input: ExecuteStepInput, o: SplitOptions): Promise<string | undefined> {
  const index = dedupIndexOf(input);
  if (!index) return 'no dedup index given';
  return indexMismatch(await readIndexHeader(deps.store, index), manifestOf(input, 'records'), minhashParams(o), o.fields);
}

/** The step's optional `index` input (one artifact: the step declares it so). */
export function dedupIndexOf(input: ExecuteStepInput): ArtifactRef | undefined {
  const index = input.inputs.index;
  if (Array.isArray(index)) throw new PipelineError('STEP_FAILED', `step "${input.stepId}": input "index" is a list, not one dedup index`);
  return index;
}
