import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { readIndex, sameParams, signedFields, type IndexHeader } from '../dedup/index-file.js';
import type { MinhashParams } from '../dedup/minhash.js';

/** The signatures and exact keys of split's input, in input order, taken from dedup's index; or why they could not be. */
export type IndexSignatures = { sigs: Uint32Array; exact: Uint32Array; count: number } | { reason: string };

/**
 * Dedup's index holds the signature and exact key of every record dedup kept, in the order of its
 * records output. When split reads that very output (same digest) by the same fields and
 * parameters, these are exactly the values split would compute, so it takes them instead of
 * signing every record again (issue 23).
 */
export async function signaturesFromIndex(
  store: ArtifactStore,
  index: ArtifactRef | undefined,
  records: ArtifactRef,
  params: MinhashParams,
  fields: readonly string[] | undefined,
): Promise<IndexSignatures> {
  if (!index) return { reason: 'no dedup index given' };
  const idx = await readIndex(store, index);
  const reason = indexMismatch(idx, records, params, fields);
  if (reason !== undefined) return { reason };
  const first = idx.signed!.first;
  const P = params.permutations;
  return { sigs: idx.sigs.subarray(first * P, idx.count * P), exact: idx.exact.subarray(first * 2, idx.count * 2), count: idx.count - first };
}

/**
 * Why an index's entries cannot stand for split's signatures of `records` (a records artifact, or a
 * shard manifest, by digest), or undefined when they can. Sharded split's shards check the header
 * alone with it (sharded/gather-shard.ts) before `split.assign` reads the entries.
 */
export function indexMismatch(header: IndexHeader, records: ArtifactRef, params: MinhashParams, fields: readonly string[] | undefined): string | undefined {
  const signed = header.signed;
  if (!signed) return 'the index does not say which records it signed (written before issue 23)';
  if (signed.sha256 !== records.sha256) return `the index signed other records (sha256 ${signed.sha256.slice(0, 16)}, this input ${records.sha256.slice(0, 16)})`;
  const diffs = sameParams(header.params, params);
  const want = signedFields(fields);
  if (JSON.stringify(signed.fields) !== JSON.stringify(want)) diffs.push(`fields: index ${JSON.stringify(signed.fields)}, run ${JSON.stringify(want)}`);
  if (diffs.length > 0) return `the index was built with other parameters (${diffs.join('; ')})`;
  return undefined;
}
