import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { sha256Text } from '../../core/artifacts/hash.js';
import { canonicalJson } from '../../core/cache/canonical.js';
import type { LoadedPipeline } from '../../core/registry/pipelines.js';
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

export interface RunFacts {
  paramsDigest?: string;
  params?: string;
  startedBy?: StartedBy;
}

/**
 * Reads who started a run and with which params from the run's first history event (the params
 * are defaulted through the pipeline's schema, so `{}` and the explicit defaults digest alike).
 */
export async function runFacts(client: Client | undefined, pipelines: Map<string, LoadedPipeline>, runId: string): Promise<RunFacts> {
  if (!client) return {};
  const history = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: runId },
    maximumPageSize: 1,
  });
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) return {};
  const facts: RunFacts = {};
  const input = started.input?.payloads?.[0];
  if (input) {
    const decoded = defaultPayloadConverter.fromPayload<{ pipeline?: string; params?: unknown }>(input);
    let params: unknown = decoded?.params ?? {};
    const def = decoded?.pipeline ? pipelines.get(decoded.pipeline)?.definition : undefined;
    const parsed = def?.params.safeParse(params);
    if (parsed?.success) params = parsed.data;
    facts.params = canonicalJson(params);
    facts.paramsDigest = sha256Text(facts.params);
  }
  const scheduled = started.searchAttributes?.indexedFields?.TemporalScheduledById;
  const memoBy = started.memo?.fields?.startedBy;
  if (scheduled) facts.startedBy = { type: 'schedule', id: String(defaultPayloadConverter.fromPayload(scheduled)) };
  else if (memoBy) facts.startedBy = { type: 'user', name: String(defaultPayloadConverter.fromPayload(memoBy)) };
  else if (started.identity) facts.startedBy = { type: 'user', name: started.identity };
  return facts;
}

export function toStepLineage(input: RecordLineageInput, facts: RunFacts, version: string | undefined): StepLineage {
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
