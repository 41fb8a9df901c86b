import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { readShardManifest } from '../../../core/shards/manifest.js';
import type { ActivityDeps } from '../../deps.js';
import { manifestOf, type RunShardInput } from '../../shards/fan-out.js';
import { writeParts } from '../../shards/merge.js';
import { countLines } from '../../shards/split-lines.js';
import { minhashParams } from '../options.js';
import { signRecords } from '../sign-pass.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { shardedDedupOptions } from './options.js';
import { writeShardSignatures } from './signature-file.js';

/**
 * Phase 1 of a sharded dedup, one activity per shard: the one-host step's first pass on this shard,
 * written as the shard's signature artifact. Returns a parts document (outputs.signatures, and the
 * shard's records and lines in its metadata) so that the merge tree of the record stages applies.
 */
export async function signShard(ctx: ShardWorkContext, deps: ActivityDeps, input: RunShardInput): Promise<ArtifactRef> {
  const o = shardedDedupOptions(input);
  const manifest = await readShardManifest(deps.store, manifestOf(input, 'records'));
  const shard = manifest.shards[input.shard]!;
  const params = minhashParams(o);
  const withShingles = o.near && o.verify === 'exact';
  const { table, quality, ids, lines } = await signRecords(ctx, shard, o, params, withShingles);
  const n = table.count;
  let shingles: { shingleOffsets: Uint32Array; shingles: Uint32Array } | undefined;
  if (withShingles) {
    const offsets = new Uint32Array(n + 1);
    for (let k = 0; k < n; k++) offsets[k + 1] = offsets[k]! + table.shingleSet(k).length;
    const all = new Uint32Array(offsets[n]!);
    for (let k = 0; k < n; k++) all.set(table.shingleSet(k), offsets[k]);
    shingles = { shingleOffsets: offsets, shingles: all };
  }
  const lineCount = await countLines(await deps.store.localPath(shard));
  const signatures = await writeShardSignatures(deps.store, {
    records: n,
    lines: lineCount,
    permutations: params.permutations,
    ids: ids.map((id) => id ?? null),
    recordLines: lines,
    quality: quality.map((q) => (Number.isFinite(q) ? q : null)),
    exact: table.exact.subarray(0, 2 * n),
    sigs: table.sigs.subarray(0, n * params.permutations),
    ...shingles,
  });
  return writeParts(deps.store, [{ shard: input.shard, outputs: { signatures }, metadata: { records: n, lines: lineCount } }]);
}
