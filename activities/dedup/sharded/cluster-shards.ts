import fs from 'node:fs/promises';
import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import { writeJsonArtifact } from '../../../core/stage/records-io.js';
import type { ActivityDeps } from '../../deps.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import { chooseSurvivors, exactFirsts, linkExact, reasonOf, type DuplicateOf } from '../cluster.js';
import { writeIndex } from '../index-file.js';
import { UnionFind, linkGroup, type LinkStats } from '../lsh.js';
import { rowsOf, setJaccard } from '../minhash.js';
import { minhashParams } from '../options.js';
import { lineId } from '../sign-pass.js';
import type { ShardWorkContext } from '../../shards/beats.js';
import { eachShardSignatures, signatureParts } from './load.js';
import { shardedDedupOptions } from './options.js';
import { shingleSetOf, type ShardSignatures } from './signature-file.js';

export type ClusterShardsInput = ExecuteStepInput & { signatures: ArtifactRef; candidates: ArtifactRef[] };

/** One shard's removed records: its record number in the shard, and what its reject row says. */
export interface ShardDecisions {
  lineStart: number;
  removed: [number, DuplicateOf][];
}

/** What the union-find phase hands to the writers and the finish: a decisions document per shard, the index, the step's metadata. */
export interface DedupPlan {
  decisions: ArtifactRef[];
  index: ArtifactRef;
  metadata: Record<string, unknown>;
}

/**
 * Phase 3, one activity: union-find over the exact keys and the candidate groups of every bucket,
 * each candidate pair verified here (cluster.ts, lsh.ts linkGroup, as on one host). Verification
 * needs both records' shingle sets, and a pair may span any two shards: the sign phase wrote the sets
 * beside the signatures, so this phase reads each shard's once. Verifying in the bucket activities
 * instead would read every shard's sets in each of them (or the texts, to shingle again), and a
 * per-shard pass cannot check a pair whose other record lives in another shard.
 */
export async function clusterShards(ctx: ShardWorkContext, deps: ActivityDeps, input: ClusterShardsInput): Promise<ArtifactRef> {
  const t0 = Date.now();
  const o = shardedDedupOptions(input);
  const params = minhashParams(o);
  const P = params.permutations;
  const { refs, recordStart, lineStart, total } = await signatureParts(deps.store, input.signatures);
  const shards: ShardSignatures[] = [];
  for await (const s of eachShardSignatures(deps.store, refs)) shards.push(s);
  const shardOf = new Int32Array(total);
  shards.forEach((s, i) => shardOf.fill(i, recordStart[i], recordStart[i]! + s.records));
  const at = (g: number): [ShardSignatures, number] => [shards[shardOf[g]!]!, g - recordStart[shardOf[g]!]!];
  const keyOf = (g: number): number => {
    const [s, k] = at(g);
    return (s.exact[2 * k]! & 0x1fffff) * 0x100000000 + s.exact[2 * k + 1]!;
  };
  const measured = o.near && o.verify === 'exact';
  const similarity = (a: number, b: number): number => {
    const [sa, ka] = at(a);
    const [sb, kb] = at(b);
    if (measured) return setJaccard(shingleSetOf(sa, ka), shingleSetOf(sb, kb));
    let same = 0;
    for (let p = 0; p < P; p++) if (sa.sigs[ka * P + p] === sb.sigs[kb * P + p]) same++;
    return same / P;
  };

  const uf = new UnionFind(total);
  if (o.exact) linkExact(uf, exactFirsts(total, keyOf));
  const lsh: LinkStats = { buckets: 0, comparisons: 0, links: 0 };
  if (o.near) {
    for (const [b, ref] of input.candidates.entries()) {
      const buf = await fs.readFile(await deps.store.localPath(ref));
      const runs = new Int32Array(new Uint8Array(buf).buffer);
      for (let i = 0; i < runs.length; i += runs[i]! + 1) linkGroup(Array.from(runs.subarray(i + 1, i + 1 + runs[i]!)), uf, o.threshold, similarity, lsh);
      ctx.heartbeat({ done: b + 1, total: input.candidates.length, unit: 'buckets', message: 'clustering' });
    }
  }
  const quality = (g: number): number => {
    const [s, k] = at(g);
    return s.quality[k] ?? -Infinity;
  };
  const survivorOf = chooseSurvivors(uf, total, 0, quality);
  const tCluster = Date.now();

  const idOf = (g: number): string => {
    const [s, k] = at(g);
    return s.ids[k] ?? lineId(lineStart[shardOf[g]!]! + s.recordLines[k]!);
  };
  const lineOf = (g: number): number => lineStart[shardOf[g]!]! + at(g)[0].recordLines[at(g)[1]]!;
  const dropped: Record<string, number> = {};
  const clusters = new Set<number>();
  const kept: number[] = [];
  const decisions: ArtifactRef[] = [];
  for (const [i, s] of shards.entries()) {
    const removed: ShardDecisions['removed'] = [];
    for (let k = 0; k < s.records; k++) {
      const g = recordStart[i]! + k;
      const sv = survivorOf[g]!;
      if (sv === g) {
        kept.push(g);
        continue;
      }
      clusters.add(sv);
      const reason = reasonOf(o.exact && keyOf(g) === keyOf(sv), true);
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      removed.push([k, { reason, survivor: idOf(sv), survivorLine: lineOf(sv), similarity: similarity(g, sv), measured }]);
    }
    const doc: ShardDecisions = { lineStart: lineStart[i]!, removed };
    decisions.push(await writeJsonArtifact(deps.store, doc, 'manifest', 'dedup-shard-decisions-v1'));
  }

  // The index, as the one-host step writes it: every survivor's exact key, signature and id, in record
  // order; without `signed`, which names the survivors' manifest: dedup.finish adds it (write-shard.ts).
  const index = { params, count: kept.length, exact: new Uint32Array(kept.length * 2), sigs: new Uint32Array(kept.length * P), ids: [] as string[] };
  kept.forEach((g, j) => {
    const [s, k] = at(g);
    index.exact.set(s.exact.subarray(2 * k, 2 * k + 2), 2 * j);
    index.sigs.set(s.sigs.subarray(k * P, (k + 1) * P), j * P);
    index.ids.push(idOf(g));
  });
  const metadata = {
    total,
    kept: kept.length,
    rejected: total - kept.length,
    dropped,
    clusters: clusters.size,
    indexed: 0,
    indexSize: kept.length,
    lsh: { ...lsh, bands: params.bands, rows: rowsOf(params), permutations: P },
    semanticLinks: 0,
    ms: { cluster: tCluster - t0, decide: Date.now() - tCluster },
  };
  const plan: DedupPlan = { decisions, index: await writeIndex(deps.store, index), metadata };
  return writeJsonArtifact(deps.store, plan, 'manifest', 'dedup-shard-plan-v1');
}
