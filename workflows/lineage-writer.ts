import { proxyLocalActivities, sleep, type CancellationScope } from '@temporalio/workflow';
import type { LineageActivities, RecordLineageInput } from '../activities/index.js';
import type { RunState } from '../core/run-state.js';
import { describeError } from './describe-error.js';

/** Lineage is recorded after steps finish; a store that stays down costs a note, not the run. */
const lineage = proxyLocalActivities<LineageActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 4, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * How long a finished step's lineage may wait while other steps of the run are still running. The
 * write is a local activity, which holds its workflow task open until it is done: written at once,
 * every chained step and every batch of a fan-out's completions waited for it (docs/performance.md).
 * A run that has nothing left running writes at once.
 */
export const LINEAGE_MAX_DELAY_MS = 1_000;

/**
 * Writes finished steps' lineage in batches, one local activity at a time. While steps are still
 * running, records gather for up to LINEAGE_MAX_DELAY_MS (a timer writes them then, if nothing else
 * has); the steps that finish while a write is in flight go together in the next. A 50-wide fan-out
 * then costs one or two lineage activities instead of 50, and a chain one a second instead of one a
 * step (each one an activation and its promises in this workflow, and a store write in the worker).
 */
export class LineageWriter {
  private pending: RecordLineageInput[] = [];
  /** Workflow time at which the oldest pending record was added. */
  private oldestAt = 0;
  private writing: Promise<void> | undefined;
  private timerSet = false;

  /** `scope`: a non-cancellable scope, so that a failing sibling does not cancel a finished step's record. */
  constructor(
    private readonly state: RunState,
    private readonly scope: CancellationScope,
  ) {}

  add(record: RecordLineageInput | undefined): void {
    if (!record) return;
    if (this.pending.length === 0) this.oldestAt = Date.now();
    this.pending.push(record);
  }

  /**
   * Called before the run waits. Writes what is pending unless a write is already in flight (it
   * takes the rest when done) or, with steps still running, the oldest record is younger than
   * LINEAGE_MAX_DELAY_MS: then a timer writes it when that time is up.
   */
  flush(stepsRunning: boolean): void {
    if (this.writing || this.pending.length === 0) return;
    const waited = Date.now() - this.oldestAt;
    if (!stepsRunning || waited >= LINEAGE_MAX_DELAY_MS) {
      this.writing = this.writeAll();
    } else if (!this.timerSet) {
      this.timerSet = true;
      void this.scope
        .run(() => sleep(LINEAGE_MAX_DELAY_MS - waited))
        .then(() => {
          this.timerSet = false;
          this.flush(false);
        });
    }
  }

  /** Resolves once everything added so far is written, or noted as not written. */
  async drained(): Promise<void> {
    this.flush(false);
    await this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.scope.run(() => lineage.recordLineage(batch));
      } catch (err) {
        for (const r of batch) this.state.notes.push(`lineage of step "${r.step.id}" was not recorded: ${describeError(err)}`);
      }
    }
    this.writing = undefined;
  }
}
