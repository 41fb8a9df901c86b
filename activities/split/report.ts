import type { ArtifactRef } from '../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../core/artifacts/store.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import type { StratumCounts } from './assign.js';
import type { ClusterAssignResult } from './cluster-assign.js';

/** What split reports besides its strata: the same keys, in the same order, on one host and on shards. */
export interface SplitSummary {
  total: number;
  train: number;
  valid: number;
  test: number;
  ratios: readonly [number, number, number];
  seed: number;
  stratifyBy: string | null;
  groupBy: readonly string[];
  clusters: ClusterAssignResult['clusters'];
  crossSplit: ClusterAssignResult['crossSplit'];
  signatures: { source: string; why?: string };
  lsh?: ClusterAssignResult['lsh'];
  ms: Record<string, number>;
}

/** The summary from the assignment and the three outputs' counts. */
export function splitSummary(
  o: { ratios: readonly [number, number, number]; seed: number; stratifyBy?: string | undefined; groupBy: readonly string[] },
  total: number,
  outputs: Record<'train' | 'valid' | 'test', ArtifactRef>,
  assigned: Pick<ClusterAssignResult, 'clusters' | 'crossSplit' | 'lsh'>,
  signatures: SplitSummary['signatures'],
  ms: Record<string, number>,
): SplitSummary {
  return {
    total,
    train: outputs.train.records ?? 0,
    valid: outputs.valid.records ?? 0,
    test: outputs.test.records ?? 0,
    ratios: o.ratios,
    seed: o.seed,
    stratifyBy: o.stratifyBy ?? null,
    groupBy: o.groupBy,
    clusters: assigned.clusters,
    crossSplit: assigned.crossSplit,
    signatures,
    ...(assigned.lsh ? { lsh: assigned.lsh } : {}),
    ms,
  };
}

/** The report artifact (every stratum) and the step's metadata, where strata names, being data values, appear only while few. */
export async function writeSplitReport(store: ArtifactStore, summary: SplitSummary, strata: Record<string, StratumCounts>): Promise<{ report: ArtifactRef; metadata: Record<string, unknown> }> {
  const report = await writeJsonArtifact(store, { ...summary, strata }, 'report', 'split-report');
  const count = Object.keys(strata).length;
  return { report, metadata: { ...summary, strata: count <= 50 ? strata : `${count} strata (see report)` } };
}
