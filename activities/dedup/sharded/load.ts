import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../../core/artifacts/store.js';
import { inShardOrder, readParts } from '../../shards/merge.js';
import { readShardSignatures, type ShardSignatures } from './signature-file.js';

/** The signature parts of every shard, in shard order, with each shard's first global record index and first line. */
export async function signatureParts(store: ArtifactStore, signatures: ArtifactRef): Promise<{ refs: ArtifactRef[]; recordStart: number[]; lineStart: number[]; total: number }> {
  const parts = await readParts(store, [signatures]);
  const ordered = inShardOrder(parts, parts.length);
  const recordStart: number[] = [];
  const lineStart: number[] = [];
  let total = 0;
  let lines = 0;
  for (const p of ordered) {
    recordStart.push(total);
    lineStart.push(lines);
    total += p.metadata.records as number;
    lines += p.metadata.lines as number;
  }
  return { refs: ordered.map((p) => p.outputs.signatures!), recordStart, lineStart, total };
}

export async function* eachShardSignatures(store: ArtifactStore, refs: ArtifactRef[]): AsyncGenerator<ShardSignatures> {
  for (const ref of refs) yield await readShardSignatures(store, ref);
}
