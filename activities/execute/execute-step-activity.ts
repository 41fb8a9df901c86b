import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { cacheKey, type CachedResult } from '../../core/cache/step-cache.js';
import { joinFlight } from '../../core/cache/single-flight.js';
import { DEFAULT_SILENCE_MS, type AnyStepKind, type StepContext, type StepProgress } from '../../core/dsl/step-kind.js';
import { isPipelineError, PipelineError } from '../../core/errors.js';
import { stepLogger } from '../../core/log.js';
import { statePaths } from '../../core/config.js';
import type { ActivityDeps } from '../deps.js';
import { stepFailure } from './step-failure.js';

export interface ExecuteStepInput {
  runId: string;
  /** The pipeline the run runs (for steps that compare with its earlier runs: the new-data gate). */
  pipeline: string;
  stepId: string;
  kind: string;
  options: unknown;
  inputs: Record<string, ArtifactRef | ArtifactRef[]>;
  cache: boolean;
}

export interface ExecuteStepResult {
  status: 'succeeded' | 'cached';
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  cacheKey: string;
  durationMs: number;
  halt?: { reason: string };
}

/**
 * With the worker's 1 s heartbeat throttle (start-workers.ts): a cancel reaches a step within about 2 s.
 *
 * The beat is a timer, so Temporal's heartbeat timeout catches a dead worker or a blocked event
 * loop. A step that awaits forever without blocking the loop (a writer awaiting 'drain' after its
 * stream failed, a hung connection) keeps beating; the stall check catches it instead: an attempt
 * that reports no progress (`ctx.heartbeat`) for its kind's `silenceMs` (20 min by default; more
 * for kinds with long silent phases such as a model load or an export) fails as STALLED, its
 * signal is aborted, and it is retried under the step's policy.
 */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The one activity body behind every `step.<kind>`: cache lookup, a scratch folder, heartbeats
 * with the step's progress, cancellation, output checks and the cache write.
 */
export async function executeStep(deps: ActivityDeps, kind: AnyStepKind, input: ExecuteStepInput): Promise<ExecuteStepResult> {
  const started = Date.now();
  const activity = Context.current();
  const fingerprint = kind.fingerprint ? await kind.fingerprint(input.options as never) : undefined;
  const key = cacheKey({ kind: kind.kind, version: kind.version, options: input.options, inputs: input.inputs, fingerprint });
  const log = stepLogger(deps.log, input.runId, input.stepId, kind.kind);

  let progress: StepProgress = {};
  const beat = (): void => activity.heartbeat(progress);
  const served = (hit: CachedResult): ExecuteStepResult => {
    log.info({ cacheKey: key }, 'step cache hit');
    return {
      status: 'cached',
      outputs: hit.outputs,
      metadata: hit.metadata,
      cacheKey: key,
      durationMs: Date.now() - started,
      ...(hit.halt ? { halt: hit.halt } : {}),
    };
  };

  const silenceMs = kind.silenceMs ?? DEFAULT_SILENCE_MS;
  let lastProgressAt = Date.now();
  const stalled = new AbortController();
  let failStalled: (err: PipelineError) => void = () => undefined;
  const stall = new Promise<never>((_, reject) => (failStalled = reject));
  stall.catch(() => undefined);

  const useCache = input.cache && kind.cache !== false;
  let releaseLease: (() => Promise<void>) | undefined;
  if (useCache) {
    const hit = await deps.cache.lookup(key);
    if (hit) return served(hit);
    let waitLogged = false;
    const flight = await joinFlight(deps.cache, key, {
      signal: AbortSignal.any([activity.cancellationSignal, stalled.signal]),
      onWait() {
        if (!waitLogged) log.info({ cacheKey: key }, 'an identical step is running elsewhere: waiting for its result');
        waitLogged = true;
        progress = { ...progress, message: 'waiting for an identical step' };
        beat();
      },
    });
    if (flight.kind === 'follower') return served(flight.hit);
    releaseLease = flight.release;
  }

  lastProgressAt = Date.now(); // a wait for an identical step's lease is not this step's silence
  const timer = setInterval(() => {
    const silent = Date.now() - lastProgressAt;
    if (silent > silenceMs && !stalled.signal.aborted) {
      const err = new PipelineError('STALLED', `step "${input.stepId}" (${kind.kind}) reported no progress for ${Math.round(silent / 1000)} s (its limit is ${Math.round(silenceMs / 1000)} s); the attempt is abandoned and retried`);
      stalled.abort(err);
      failStalled(err);
      return;
    }
    beat();
  }, HEARTBEAT_EVERY_MS);
  // The scratch folder is made on first use: most steps never touch it, and a mkdir/rm pair per step
  // is a measurable share of a short step's orchestration cost (docs/performance.md).
  const workDirPath = path.join(statePaths(deps.config.home).tmp, `${input.stepId}-${randomUUID()}`);
  let workDirMade = false;
  const ctx: StepContext = {
    runId: input.runId,
    pipeline: input.pipeline,
    stepId: input.stepId,
    kind: kind.kind,
    attempt: activity.info.attempt,
    store: deps.store,
    log,
    config: deps.config,
    hardware: deps.hardware,
    get workDir() {
      if (!workDirMade) {
        mkdirSync(workDirPath, { recursive: true });
        workDirMade = true;
      }
      return workDirPath;
    },
    signal: AbortSignal.any([activity.cancellationSignal, stalled.signal]),
    previousProgress: activity.info.heartbeatDetails as StepProgress | undefined,
    heartbeat(p) {
      if (p) progress = { ...progress, ...p };
      lastProgressAt = Date.now();
      beat();
    },
  };
  try {
    log.info({ attempt: ctx.attempt }, 'step started');
    const result = await Promise.race([kind.run(ctx, input.inputs as never, input.options as never), stall]);
    const outputs = result.outputs as Record<string, ArtifactRef>;
    for (const name of Object.keys(kind.outputs)) {
      if (!outputs[name]) throw new PipelineError('STEP_FAILED', `step kind "${kind.kind}" did not produce its output "${name}"`);
    }
    const metadata = result.metadata ?? {};
    if (kind.cache !== false) await deps.cache.save(key, { outputs, metadata, ...(result.halt ? { halt: result.halt } : {}) });
    log.info({ durationMs: Date.now() - started }, 'step succeeded');
    return {
      status: 'succeeded',
      outputs,
      metadata,
      cacheKey: key,
      durationMs: Date.now() - started,
      ...(result.halt ? { halt: result.halt } : {}),
    };
  } catch (err) {
    throw toFailure(err, log, ctx.attempt);
  } finally {
    clearInterval(timer);
    await releaseLease?.();
    if (workDirMade) await fs.rm(workDirPath, { recursive: true, force: true });
  }
}

function toFailure(err: unknown, log: StepContext['log'], attempt: number): unknown {
  if (isPipelineError(err)) log.warn({ code: err.code }, err.message);
  else log.warn({ err: err instanceof Error ? err.message : String(err) }, 'step attempt failed');
  return stepFailure(err, attempt);
}
