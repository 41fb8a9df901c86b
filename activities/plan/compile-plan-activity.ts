import { ApplicationFailure } from '@temporalio/common';
import { compilePipeline } from '../../core/dsl/compile.js';
import type { Plan } from '../../core/workflow-safe/plan.js';
import { isPipelineError } from '../../core/errors.js';
import { checkPlanPaths } from '../../core/sandbox/plan-paths.js';
import { getPipeline } from '../../core/registry/pipelines.js';
import type { ActivityDeps } from '../deps.js';
import { resolveQueues } from './resolve-queues.js';

export interface CompilePlanInput {
  pipeline: string;
  params: unknown;
}

/** Validates the run's input and turns the pipeline into a plan; bad input fails the run at once. */
export async function compilePlan(deps: ActivityDeps, input: CompilePlanInput): Promise<Plan> {
  try {
    const def = getPipeline(deps.pipelines, input.pipeline);
    const lookup = (k: string) => deps.stepKinds.get(k);
    const plan = compilePipeline(def, input.params, lookup);
    await checkPlanPaths(plan, lookup, deps.config.inputRoots);
    return await resolveQueues(plan, deps.client, deps.config.namespace);
  } catch (err) {
    if (isPipelineError(err) && !err.retryable) {
      throw ApplicationFailure.create({ message: err.describe(), type: err.code, nonRetryable: true, details: [err.issues] });
    }
    throw err;
  }
}
