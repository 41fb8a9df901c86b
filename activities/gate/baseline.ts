import type { Client } from '@temporalio/client';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { WORKFLOW_TYPE } from '../../core/workflow-safe/queues.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';

export const NEW_DATA_GATE_KIND = 'new-data-gate';

/** The record ids a gate saw in an earlier successful run: the baseline for "new". */
export interface Baseline {
  runId: string;
  closedAt: string;
  ids: ArtifactRef;
}

/**
 * Finds the latest run of `pipeline` that succeeded (trained: a run the gate skipped does not
 * count, so new data keeps piling up across skipped weeks) and whose gate with the same `key`
 * recorded its ids. Runs say their outcome in their memo (runPipeline writes it when it ends);
 * only those that succeeded have their result read.
 */
export async function findBaseline(client: Client, opts: { pipeline: string; key: string; excludeRunId: string; lookback: number }): Promise<Baseline | undefined> {
  const candidates: { runId: string; closedAt: Date }[] = [];
  let scanned = 0;
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed'` })) {
    if (++scanned > opts.lookback) break;
    if (wf.workflowId === opts.excludeRunId) continue;
    const memo = (await wf.memo) ?? {};
    if (memo.pipeline === opts.pipeline && memo.outcome === 'succeeded') candidates.push({ runId: wf.workflowId, closedAt: wf.closeTime ?? wf.startTime });
  }
  candidates.sort((a, b) => b.closedAt.getTime() - a.closedAt.getTime());
  for (const c of candidates) {
    const result = (await client.workflow.getHandle(c.runId).result()) as RunState;
    const gate = result.steps.find((s) => s.kind === NEW_DATA_GATE_KIND && s.metadata.key === opts.key && s.outputs.ids);
    if (gate?.outputs.ids) return { runId: c.runId, closedAt: c.closedAt.toISOString(), ids: gate.outputs.ids };
  }
  return undefined;
}
