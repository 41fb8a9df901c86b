import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { sha256Text } from '../../core/artifacts/hash.js';
import { canonicalJson } from '../../core/cache/canonical.js';
import { lineageOps, type ApprovalLineage, type StartedBy, type StepLineage } from './derive.js';
import type { LineageStore } from './store.js';

/** What the workflow sends after a step finished: ids, references and the step's small metadata. */
export interface RecordLineageInput {
  runId: string;
  pipeline: string;
  runStartedAt: string;
  step: {
    id: string;
    kind: string;
    status: StepLineage['step']['status'];
    cacheKey: string;
    durationMs?: number;
    startedAt?: string;
    endedAt: string;
  };
  inputs: Record<string, ArtifactRef | ArtifactRef[] | undefined>;
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  approval?: ApprovalLineage;
}

/**
 * What the workflow knows of its run and sends with every batch, so that the activity reads
 * nothing back from Temporal: the params as `compilePlan` validated and defaulted them (the plan's
 * `params`), and who started the run (workflows/lineage-writer.ts reads it from the start's memo and
 * search attributes).
 */
export interface RunLineageInput {
  params: unknown;
  startedBy?: StartedBy;
}

/** The run's facts as stored: params as canonical JSON with their sha256 (`{}` and explicit defaults digest alike). */
export function runFacts(run: RunLineageInput): Pick<StepLineage['run'], 'params' | 'paramsDigest' | 'startedBy'> {
  const params = canonicalJson(run.params ?? {});
  return { params, paramsDigest: sha256Text(params), ...(run.startedBy ? { startedBy: run.startedBy } : {}) };
}

export function toStepLineage(input: RecordLineageInput, facts: ReturnType<typeof runFacts>, version: string | undefined): StepLineage {
  return {
    run: { id: input.runId, pipeline: input.pipeline, startedAt: input.runStartedAt, ...facts },
    step: { ...input.step, ...(version ? { version } : {}) },
    inputs: input.inputs,
    outputs: input.outputs,
    metadata: input.metadata,
    ...(input.approval ? { approval: input.approval } : {}),
  };
}

/**
 * Writes steps' lineage to every store, all the steps in one transaction per store (one journal
 * append; one Neo4j transaction); each write is idempotent.
 */
export async function writeLineage(stores: readonly LineageStore[], lineage: StepLineage | readonly StepLineage[]): Promise<number> {
  const ops = (Array.isArray(lineage) ? lineage : [lineage]).flatMap((l) => lineageOps(l));
  for (const store of stores) await store.apply(ops);
  return ops.length;
}
