import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyLocalActivities, workflowInfo, type CancellationScope } from '@temporalio/workflow';
import type { LineageActivities, RecordLineageInput, RunLineageInput } from '../activities/index.js';
import type { RunState } from '../core/workflow-safe/run-state.js';
import { describeError } from './describe-error.js';

/** Lineage is recorded after steps finish; a store that stays down costs a note, not the run. */
const lineage = proxyLocalActivities<LineageActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 4, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** Set by the Temporal Schedule that started a run. */
const SCHEDULED_BY = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/**
 * The run's facts for lineage, from what the workflow already holds: the params as planning
 * validated and defaulted them, and who started the run (a Schedule, else the `startedBy` memo
 * that core/client/runs.ts sets to the starting client's identity).
 */
export function runLineage(params: unknown): RunLineageInput {
  const info = workflowInfo();
  const schedule = info.typedSearchAttributes.get(SCHEDULED_BY);
  const user = info.memo?.startedBy;
  const startedBy = schedule ? { type: 'schedule' as const, id: schedule } : typeof user === 'string' && user ? { type: 'user' as const, name: user } : undefined;
  return { params, ...(startedBy ? { startedBy } : {}) };
}

/**
 * Writes finished steps' lineage in batches, one local activity at a time: the steps that finish
 * while a write is in flight go together in the next. A 50-wide fan-out then costs a few lineage
 * activities instead of 50 (each one an activation and its promises in this workflow, and a store
 * write in the worker; docs/performance.md).
 */
export class LineageWriter {
  private pending: RecordLineageInput[] = [];
  private writing: Promise<void> | undefined;

  /** `scope`: a non-cancellable scope, so that a failing sibling does not cancel a finished step's record. */
  constructor(
    private readonly state: RunState,
    private readonly scope: CancellationScope,
    private readonly run: RunLineageInput,
  ) {}

  add(record: RecordLineageInput | undefined): void {
    if (record) this.pending.push(record);
  }

  /** Starts writing what is pending, unless a write is already in flight (it takes the rest when done). */
  flush(): void {
    if (!this.writing && this.pending.length > 0) this.writing = this.writeAll();
  }

  /** Resolves once everything added so far is written, or noted as not written. */
  async drained(): Promise<void> {
    this.flush();
    await this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.scope.run(() => lineage.recordLineage(batch, this.run));
      } catch (err) {
        for (const r of batch) this.state.notes.push(`lineage of step "${r.step.id}" was not recorded: ${describeError(err)}`);
      }
    }
    this.writing = undefined;
  }
}
