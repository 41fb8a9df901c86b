import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import { bandHash, rowsOf } from '../minhash.js';
import { minhashParams } from '../options.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { eachShardSignatures, signatureParts } from './load.js';
import { shardedDedupOptions } from './options.js';

export type BucketInput = ExecuteStepInput & { signatures: ArtifactRef; bucket: number; buckets: number };

/** The `schema` of a bucket's candidate groups: Int32 runs of [size, member, member, ...] in global record indices. */
export const CANDIDATE_GROUPS_SCHEMA = 'dedup-candidate-groups-v1';

/**
 * Phase 2, the shuffle: bucket b of B reads every shard's signatures and keeps the (band, band hash)
 * entries whose hash is b modulo B, so that each band hash is grouped by exactly one activity.
 * Entries sharing a band hash are a candidate group, members in record order, as the one-host
 * step's sort gives them (lsh.ts forEachBucket). With `exact`, a group keeps the first record of
 * each exact key only: records with the same key have the same signature, so they all sit in the
 * same groups, and the first of them in a group is the one the one-host step compares.
 */
export async function bucketCandidates(ctx: ShardWorkContext, deps: ActivityDeps, input: BucketInput): Promise<ArtifactRef> {
  const o = shardedDedupOptions(input);
  const params = minhashParams(o);
  const P = params.permutations;
  const rows = rowsOf(params);
  const { refs, recordStart, total } = await signatureParts(deps.store, input.signatures);
  // Per band, (hash, global index) packed into a double as forEachBucket packs them: sorting groups equal hashes, members in order.
  const idxBits = Math.max(1, Math.ceil(Math.log2(total + 1)));
  const hashBits = Math.min(32, 53 - idxBits);
  const shift = 32 - hashBits;
  const scale = 2 ** idxBits;
  const entries: number[][] = Array.from({ length: params.bands }, () => []);
  const keyHi = new Uint32Array(total);
  const keyLo = new Uint32Array(total);
  let s = 0;
  for await (const sig of eachShardSignatures(deps.store, refs)) {
    const start = recordStart[s++]!;
    for (let k = 0; k < sig.records; k++) {
      keyHi[start + k] = sig.exact[2 * k]! & 0x1fffff;
      keyLo[start + k] = sig.exact[2 * k + 1]!;
      for (let band = 0; band < params.bands; band++) {
        const h = bandHash(sig.sigs, k, band, rows, P);
        if (h % input.buckets === input.bucket) entries[band]!.push((h >>> shift) * scale + start + k);
      }
    }
    ctx.heartbeat({ done: s, total: refs.length, unit: 'shards', message: 'bucketing' });
  }
  const out: number[] = [];
  const group: number[] = [];
  const seen = new Set<number>();
  const flush = () => {
    if (group.length > 1) {
      out.push(group.length);
      for (const g of group) out.push(g);
    }
    group.length = 0;
    seen.clear();
  };
  for (const list of entries) {
    const keys = Float64Array.from(list).sort();
    let prev = -1;
    for (const key of keys) {
      const hi = Math.floor(key / scale);
      const g = key - hi * scale;
      if (hi !== prev) {
        flush();
        prev = hi;
      }
      const exactKey = keyHi[g]! * 0x100000000 + keyLo[g]!;
      if (o.exact && seen.has(exactKey)) continue;
      seen.add(exactKey);
      group.push(g);
    }
    flush();
  }
  const bytes = new Uint8Array(Int32Array.from(out).buffer);
  return deps.store.putBytes(bytes, '.bin', { kind: 'index', schema: CANDIDATE_GROUPS_SCHEMA });
}
