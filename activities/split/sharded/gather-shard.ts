import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { readShardManifest } from '../../../core/shards/manifest.js';
import { recordProgress } from '../../../core/stage/progress.js';
import { readRecords, writeJsonArtifact } from '../../../core/stage/records-io.js';
import { minhashParams } from '../../dedup/options.js';
import { SignatureTable } from '../../dedup/signatures.js';
import { recordText } from '../../dedup/text.js';
import type { ActivityDeps } from '../../deps.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { manifestOf, type RunShardInput } from '../../shards/fan-out.js';
import { writeParts } from '../../shards/merge.js';
import { KeyGatherer } from '../gather.js';
import { signingParams, type SplitOptions } from '../split-step.js';

/** The `schema` of a shard's keys document (gather.ts GatheredKeys). */
export const SPLIT_SHARD_KEYS_SCHEMA = 'split-shard-keys-v1';
/** The `schema` of a shard's exact keys (two u32 a record) followed by its signatures (u32, `permutations` a record). */
export const SPLIT_SHARD_SIGNATURES_SCHEMA = 'split-shard-signatures-v1';

/**
 * Phase 1 of a sharded split, one activity per shard: the one-host step's first pass on this shard
 * (strata, group keys, exact keys, signatures), records numbered within the shard. Returns a parts
 * document (outputs.keys, outputs.signatures, metadata.records) for the merge tree. Dedup's shard
 * signatures are not reused: split reads a different dataset (dedup's survivors, or records that
 * were never deduplicated) and needs strata and group keys from the same read.
 */
export async function gatherShard(ctx: ShardWorkContext, deps: ActivityDeps, input: RunShardInput): Promise<ArtifactRef> {
  const o = input.options as SplitOptions;
  const shard = (await readShardManifest(deps.store, manifestOf(input, 'records'))).shards[input.shard]!;
  const params = signingParams(o, minhashParams(o));
  const keys = new KeyGatherer(o, `shard ${input.shard}, `);
  const table = new SignatureTable(params, shard.records ?? 0, o.threads);
  try {
    const progress = recordProgress(ctx, shard.records, 'hashing');
    for await (const { value, line } of readRecords<Record<string, unknown>>(ctx.store, shard)) {
      await table.add(recordText(keys.add(value, line), o.fields));
      progress(keys.count);
    }
    await table.finish();
  } finally {
    await table.close();
  }
  const n = keys.count;
  const arrays = [table.exact.subarray(0, 2 * n), table.sigs.subarray(0, n * params.permutations)];
  const bytes = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  const outputs = {
    keys: await writeJsonArtifact(deps.store, keys.keys(), 'manifest', SPLIT_SHARD_KEYS_SCHEMA),
    signatures: await deps.store.putBytes(bytes, '.bin', { kind: 'index', schema: SPLIT_SHARD_SIGNATURES_SCHEMA, records: n }),
  };
  return writeParts(deps.store, [{ shard: input.shard, outputs, metadata: { records: n } }]);
}
