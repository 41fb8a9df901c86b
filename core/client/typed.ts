import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { parseParams } from '../dsl/compile.js';
import type { PipelineDefinition, PipelineParams } from '../dsl/pipeline.js';
import { PipelineError } from '../errors.js';
import type { ApprovalDecision, RunOptions, RunResult, StepState } from '../workflow-safe/run-state.js';
import {
  decideApproval,
  failureMessage,
  getRun,
  listRuns,
  newRunId,
  startRun,
  type ListRunsOptions,
  type RunSnapshot,
  type RunSummary,
} from './runs.js';

/**
 * A typed client over the pipelines you import: `startPipeline(name, params)` checks the params
 * against the pipeline's zod schema at compile time (unknown or mistyped params do not compile)
 * and again at run time before anything is started.
 *
 *   import smoke from './pipelines/smoke.js';
 *   const forgeline = createForgelineClient(client, { smoke });
 *   const run = await forgeline.startPipeline('smoke', { minChars: 12 });
 *   const result = await run.result();
 */
export type PipelineMap = Record<string, PipelineDefinition>;

export interface StartOptions extends RunOptions {
  /** The run (workflow) id; default `<pipeline>-<UTC stamp>-<random>`. */
  runId?: string;
}

export interface RunHandle<N extends string = string> {
  runId: string;
  pipeline: N;
  /** Waits for the run to end: its final state, or a RunFailedError when it failed or was cancelled. */
  result(): Promise<RunResult>;
  status(): Promise<RunSnapshot>;
  cancel(): Promise<void>;
}

/** A run that failed, was cancelled, terminated or timed out. */
export class RunFailedError extends Error {
  constructor(
    readonly runId: string,
    readonly temporalStatus: string,
    message: string,
  ) {
    super(`run ${runId} ${temporalStatus.toLowerCase()}: ${message}`);
    this.name = 'RunFailedError';
  }
}

export interface ForgelineClient<M extends PipelineMap> {
  startPipeline<N extends keyof M & string>(name: N, params: PipelineParams<M[N]>, options?: StartOptions): Promise<RunHandle<N>>;
  getRun(runId: string): Promise<RunSnapshot>;
  awaitResult(runId: string): Promise<RunResult>;
  cancel(runId: string): Promise<void>;
  listRuns(options?: Omit<ListRunsOptions, 'pipeline'> & { pipeline?: keyof M & string }): Promise<RunSummary[]>;
  approve(runId: string, step: string, by: string, note?: string): Promise<StepState>;
  reject(runId: string, step: string, by: string, note?: string): Promise<StepState>;
}

export function createForgelineClient<M extends PipelineMap>(client: Client, pipelines: M): ForgelineClient<M> {
  for (const [key, def] of Object.entries(pipelines)) {
    if (key !== def.name) {
      throw new PipelineError('CONFIG', `createForgelineClient: key "${key}" holds pipeline "${def.name}"; use the pipeline's name as its key`);
    }
  }
  const awaitResult = async (runId: string): Promise<RunResult> => {
    try {
      return (await client.workflow.getHandle(runId).result()) as RunResult;
    } catch (err) {
      const status = err instanceof WorkflowFailedError ? (await client.workflow.getHandle(runId).describe()).status.name : 'FAILED';
      throw new RunFailedError(runId, status, failureMessage(err));
    }
  };
  const cancel = (runId: string): Promise<void> => client.workflow.getHandle(runId).cancel().then(() => undefined);
  const decide = (decision: ApprovalDecision['decision']) => (runId: string, step: string, by: string, note?: string) =>
    decideApproval(client, runId, { step, decision, by, ...(note ? { note } : {}) });

  return {
    async startPipeline(name, params, options = {}) {
      const def = pipelines[name];
      if (!def) throw new PipelineError('UNKNOWN_PIPELINE', `unknown pipeline "${name}"`);
      // Fails here, before a run exists, with every problem listed by path.
      parseParams(def, params);
      const { runId: wanted, ...runOptions } = options;
      const runId = await startRun(client, { pipeline: name, params: params as Record<string, unknown>, options: runOptions }, wanted ?? newRunId(name));
      return {
        runId,
        pipeline: name,
        result: () => awaitResult(runId),
        status: () => getRun(client, runId),
        cancel: () => cancel(runId),
      };
    },
    getRun: (runId) => getRun(client, runId),
    awaitResult,
    cancel,
    listRuns: (options = {}) => listRuns(client, options),
    approve: decide('approve'),
    reject: decide('reject'),
  };
}

export type { PipelineParams, RunResult, RunSnapshot, RunSummary };
