import { ApplicationFailure } from '@temporalio/common';
import { asDiskFull, isPipelineError } from '../../core/errors.js';

/**
 * The wait before the next attempt after a full disk: 30 s, doubling per attempt, at most 5 min.
 * The step's own policy (1 s, 2 s, ... by default) suits a flaky service, but space is freed by an
 * operator or by other steps' temp files going away, which takes longer than that.
 */
export function diskFullRetryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 5 * 60_000);
}

/**
 * What a step's error becomes for Temporal: a PipelineError keeps its code as the failure's type
 * and says whether another attempt can help (core/errors.ts); DISK_FULL also sets the wait before
 * the next one, as does a bare ENOSPC or EDQUOT. Any other error goes as it is (retryable, under
 * the step's policy).
 */
export function stepFailure(thrown: unknown, attempt: number): unknown {
  // A full disk met outside the store's writers (a step's own fs call) is the same DISK_FULL.
  const err = asDiskFull(thrown);
  if (!isPipelineError(err)) return err;
  return ApplicationFailure.create({
    message: err.describe(),
    type: err.code,
    nonRetryable: !err.retryable,
    ...(err.code === 'DISK_FULL' ? { nextRetryDelay: diskFullRetryDelayMs(attempt) } : {}),
  });
}
