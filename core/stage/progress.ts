import type { StepContext } from '../dsl/step-kind.js';

/** Records between heartbeats of a streaming step: often enough to show progress, rare enough to cost nothing. */
export const PROGRESS_EVERY = 5000;

/**
 * For loops over records: every PROGRESS_EVERY records, heartbeats the count (the UI and `forgeline
 * status` show it) and stops the step if it was cancelled.
 */
export function recordProgress(ctx: Pick<StepContext, 'heartbeat' | 'signal'>, total: number | undefined, message?: string): (done: number) => void {
  return (done) => {
    if (done % PROGRESS_EVERY !== 0) return;
    ctx.heartbeat({ done, total, unit: 'records', ...(message ? { message } : {}) });
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('cancelled');
  };
}
