import { Context } from '@temporalio/activity';
import type { StepContext, StepProgress } from '../../core/dsl/step-kind.js';
import type { ActivityDeps } from '../deps.js';

export type ShardWorkContext = Pick<StepContext, 'store' | 'heartbeat' | 'signal'>;

/** Runs one phase of a sharded fan-out (dedup, split) with a heartbeat every second (the last progress reported) and the activity's cancellation. */
export async function withBeats<T>(deps: ActivityDeps, work: (ctx: ShardWorkContext) => Promise<T>): Promise<T> {
  const activity = Context.current();
  let progress: StepProgress = {};
  const timer = setInterval(() => activity.heartbeat(progress), 1000);
  try {
    return await work({ store: deps.store, signal: activity.cancellationSignal, heartbeat: (p) => (progress = { ...progress, ...p }) });
  } finally {
    clearInterval(timer);
  }
}
