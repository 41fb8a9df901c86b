import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ReportActivities } from '../activities/index.js';
import { CPU_QUEUE } from '../core/workflow-safe/queues.js';
import type { RunState } from '../core/workflow-safe/run-state.js';
import { describeError } from './describe-error.js';

/** The run report reads a few small artifacts and writes one HTML file: minutes are plenty. */
const report = proxyActivities<ReportActivities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2 },
  summary: 'run report',
});

/**
 * The run's finisher: once the run's final status is known, writes its report (state.report).
 * Not cancellable, so that a cancelled run is reported too; a report that cannot be written costs a
 * note, never the run's own outcome.
 */
export async function finishRun(state: RunState): Promise<void> {
  try {
    state.report = await CancellationScope.nonCancellable(() => report.writeRunReport({ runId: workflowInfo().workflowId, state }));
  } catch (err) {
    state.notes.push(`the run report was not written: ${describeError(err)}`);
  }
}
