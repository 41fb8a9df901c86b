import { rejectLine } from '../../core/stage/reject.js';
import type { UnionFind } from './lsh.js';

/*
 * The cluster phase of dedup, shared by the one-host step (dedup-step.ts) and the sharded path
 * (sharded/): exact keys and verified candidate pairs are edges, clusters are the connected
 * components (union-find), and each cluster's survivor is chosen by a rule on the records alone.
 * Neither depends on the order in which edges are found: the same records and pairs give the same
 * clusters and survivors, whichever bucket, band or shard reports them first.
 */

export type DedupReason = 'exact_duplicate' | 'near_duplicate' | 'semantic_duplicate';

/** For each record, the first record (lowest index) with the same exact key; itself if it is the first. */
export function exactFirsts(total: number, keyOf: (i: number) => number): Int32Array {
  const firsts = new Int32Array(total);
  const first = new Map<number, number>();
  for (let i = 0; i < total; i++) {
    const k = keyOf(i);
    const f = first.get(k);
    if (f === undefined) first.set(k, i);
    firsts[i] = f ?? i;
  }
  return firsts;
}

/** Unions every exact duplicate with its first; returns the firsts (the records that LSH compares). */
export function linkExact(uf: UnionFind, firsts: Int32Array): Int32Array {
  const reps: number[] = [];
  for (let i = 0; i < firsts.length; i++) {
    if (firsts[i] === i) reps.push(i);
    else uf.union(firsts[i]!, i);
  }
  return Int32Array.from(reps);
}

/**
 * The survivor of every record's cluster: a record of the previous index (indices below `old`) if
 * the cluster has one, else the highest quality score, then the lowest index. The index is the
 * record's place in the dataset (shard order, then line), so the choice is the same however the
 * clusters were built.
 */
export function chooseSurvivors(uf: UnionFind, total: number, old: number, quality: (i: number) => number): Int32Array {
  const best = new Int32Array(total).fill(-1);
  for (let i = 0; i < total; i++) {
    const r = uf.find(i);
    const cur = best[r]!;
    if (cur === -1 || (i >= old && cur >= old && quality(i) > quality(cur))) best[r] = i;
  }
  const survivor = new Int32Array(total);
  for (let i = 0; i < total; i++) survivor[i] = best[uf.find(i)]!;
  return survivor;
}

/** Why a record was removed: the same exact key as its survivor, else through MinHash links (`near`), else through an embedding link. */
export function reasonOf(sameKey: boolean, nearLinked: boolean): DedupReason {
  return sameKey ? 'exact_duplicate' : nearLinked ? 'near_duplicate' : 'semantic_duplicate';
}

/** What the reject row of a removed record says about its survivor. */
export interface DuplicateOf {
  reason: DedupReason;
  /** The survivor's id (dedup-step's idOf). */
  survivor: string;
  /** The survivor's line in the input; absent for a survivor from the previous index. */
  survivorLine?: number;
  /** Jaccard similarity with the survivor, true when `measured`, else the signatures' estimate. */
  similarity: number;
  measured: boolean;
}

/** A removed record's reject row; `line` and `source` come from its provenance when it has one. */
export function duplicateRejectLine(text: string, line: number, d: DuplicateOf): string {
  const prov = (JSON.parse(text) as { provenance?: { source?: string; line?: number } }).provenance;
  const jaccard = Math.round(d.similarity * 1000) / 1000;
  const indexed = d.survivorLine === undefined;
  const how = d.reason === 'exact_duplicate' ? 'same normalised text as' : `${d.measured ? 'Jaccard' : 'estimated Jaccard'} ${jaccard} with`;
  const detail = `${how} ${indexed ? 'indexed record' : 'record'} ${d.survivor}`;
  const near = { near_duplicate_of: d.survivor, ...(indexed ? { in_index: true } : { near_duplicate_of_line: d.survivorLine }), similarity: jaccard };
  return rejectLine({ line: prov?.line ?? line, source: prov?.source || undefined, reason: d.reason, detail }, near, text);
}
