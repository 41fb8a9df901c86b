import type { z } from 'zod';
import type { ArtifactKind, ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { codeVersion } from '../cache/code-version.js';
import type { ForgelineConfig } from '../config.js';
import type { Hardware } from '../hardware.js';
import type { Logger } from '../log.js';
import type { PlanSharding } from '../workflow-safe/plan.js';
import type { QueueProfile } from '../workflow-safe/queues.js';
import type { PathUse } from '../sandbox/input-roots.js';

export interface InputSpec {
  kind: ArtifactKind;
  optional?: boolean;
  /** Fan-in: the input takes a list of outputs. */
  many?: boolean;
  /**
   * An option that names a file to read in place of this input. Run on local files (`forgeline
   * stage`), a file given for the input is passed as this option instead of being copied into the
   * store first: the step reads it where it is, as in a pipeline that sets the option.
   */
  pathOption?: string;
}

export interface RetrySpec {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface TimeoutSpec {
  startToCloseMs: number;
  heartbeatMs: number;
}

/** What one shard's run of a kind made. */
export interface ShardResult {
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
}

/** Progress a step reports; it travels in heartbeats (visible in the UI and `forgeline status`). */
export interface StepProgress {
  done?: number;
  total?: number;
  unit?: string;
  message?: string;
  /** Anything a retried attempt needs to resume (a checkpoint, a batch id). */
  resume?: unknown;
  [extra: string]: unknown;
}

export interface StepContext {
  runId: string;
  /** The pipeline this run runs; `local` under `forgeline stage`, as the run id is. */
  pipeline: string;
  stepId: string;
  kind: string;
  attempt: number;
  store: ArtifactStore;
  log: Logger;
  config: ForgelineConfig;
  /** The worker's GPU devices or CPU model slots, for native work. */
  hardware: Hardware;
  /** A scratch folder for this attempt (made on first access), removed afterwards. */
  workDir: string;
  /** Aborted when the run or the step is cancelled. */
  signal: AbortSignal;
  heartbeat(progress?: StepProgress): void;
  /** The progress the previous attempt last reported, for resuming. */
  previousProgress: StepProgress | undefined;
  /** When run on files (`forgeline stage`): the user's file paths per input, for provenance. */
  inputFiles?: Record<string, string[]>;
}

export type ResolvedInputs<I extends Record<string, InputSpec>> = {
  [K in keyof I]: I[K]['many'] extends true ? ArtifactRef[] : I[K]['optional'] extends true ? ArtifactRef | undefined : ArtifactRef;
};

export interface StepResult<O extends Record<string, ArtifactKind> = Record<string, ArtifactKind>> {
  outputs: { [K in keyof O]: ArtifactRef };
  /** Small, text-free facts for the UI and the report (counts, timings, scores). */
  metadata?: Record<string, unknown>;
  /** End the run here as `skipped` (e.g. a new-data gate under its threshold); dependents do not run. */
  halt?: { reason: string };
}

export interface StepKindSpec<
  Opts extends z.ZodType,
  I extends Record<string, InputSpec>,
  O extends Record<string, ArtifactKind>,
> {
  kind: string;
  description: string;
  /** `import.meta.url` of the implementing module: its code (and what it imports) is the version. */
  module: string;
  profile?: QueueProfile;
  inputs: I;
  outputs: O;
  options: Opts;
  retry?: Partial<RetrySpec>;
  timeouts?: Partial<TimeoutSpec>;
  /**
   * The longest this step may go without reporting progress (`ctx.heartbeat`) before its attempt
   * is declared stalled, abandoned and retried. Default DEFAULT_SILENCE_MS; a kind with a long
   * silent phase (a model load, an export) declares more.
   */
  silenceMs?: number;
  /** Which input/outputs `forgeline stage <kind> --in/--out/--rejects` map to. */
  cli?: { in?: keyof I & string; out?: keyof O & string; rejects?: keyof O & string };
  /**
   * The options that name a file on the worker (dotted, `*` for array elements), and how the step
   * uses it. Checked against the input roots at plan time (core/sandbox/plan-paths.ts): params
   * can come from anyone with Web UI access, so a step must declare every path it opens.
   */
  paths?: Record<string, PathUse>;
  /**
   * Whether the step, with these options, writes a file it reads from outside the store into the
   * store as it is, unscrubbed (read-jsonl; validate without `scrub`). A user's file may hold PII
   * (DESIGN: PII before storage), so a pipeline with such a step declares `storesRaw: true`, and
   * the plan's notes, shown in the run report, say which steps do it (core/dsl/stores-raw.ts).
   */
  storesRaw?(options: z.output<Opts>): boolean;
  /**
   * Extra cache identity for what the step reads outside the artifact store (a source file's
   * digest), so that an edited source is never served from the cache.
   */
  fingerprint?(options: z.output<Opts>): Promise<string>;
  /**
   * `false` for a kind whose answer depends on the world now (a folder's contents, earlier runs),
   * not on its inputs: it is never served from the step cache and never written to it.
   */
  cache?: false;
  /**
   * The kind also runs on a shard manifest given for `input` (core/shards/manifest.ts): one activity
   * per shard, each running `run` on one shard, then a merge (activities/shards/). `outputs` of kind
   * `records` listed in `sharded` become manifests of the shards' outputs; other `records` outputs
   * are concatenated in shard order; `report` outputs are rewritten from the merged metadata.
   * Metadata merges by summing numbers (counts), except the keys in `same`, taken from shard 0.
   * `fanOut` names a kind whose shards are not independent and that has a fan-out of its own
   * (`dedup`: workflows/sharded-dedup.ts, `split`: workflows/sharded-split.ts, `mix`:
   * workflows/sharded-mix.ts, on a manifest that `analyze` made from shards, listed in its
   * `sharded`) instead of one `shard.<kind>` activity per shard.
   */
  shardable?: {
    input: keyof I & string;
    sharded: (keyof O & string)[];
    same?: string[];
    fanOut?: NonNullable<PlanSharding['fanOut']>;
    /**
     * The step's outputs and metadata from its shards' results (in shard order), for a kind whose
     * outputs the rules above cannot merge: `analyze` adds its shards' counts into one bucket
     * manifest that names the shard manifest.
     */
    merge?(store: ArtifactStore, shards: ShardResult[], inputs: ResolvedInputs<I>, options: z.output<Opts>): Promise<{ outputs: Record<keyof O & string, ArtifactRef>; metadata: Record<string, unknown> }>;
  };
  run(ctx: StepContext, inputs: ResolvedInputs<I>, options: z.output<Opts>): Promise<StepResult<O>>;
}

export interface StepKind<
  Opts extends z.ZodType = z.ZodType,
  I extends Record<string, InputSpec> = Record<string, InputSpec>,
  O extends Record<string, ArtifactKind> = Record<string, ArtifactKind>,
> extends StepKindSpec<Opts, I, O> {
  profile: QueueProfile;
  retry: RetrySpec;
  timeouts: TimeoutSpec;
  /** Derived from the module's code at each read: a script it starts may have been edited since. */
  readonly version: string;
}

export const DEFAULT_RETRY: RetrySpec = {
  maximumAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 30_000,
};

/**
 * Heartbeats go out every second whatever the step does (activities/execute/execute-step-activity.ts), so
 * Temporal's heartbeat timeout catches a dead worker or a blocked event loop, not a step that awaits
 * forever. This bound does: an attempt that reports no progress for this long fails as STALLED.
 */
export const DEFAULT_SILENCE_MS = 20 * 60_000;
/** For kinds that load or write a model: a multi-GB load, conversion or export reports nothing while it runs. */
export const MODEL_SILENCE_MS = 60 * 60_000;

export const DEFAULT_TIMEOUTS: TimeoutSpec = {
  startToCloseMs: 6 * 60 * 60 * 1000,
  heartbeatMs: 15_000,
};

export function defineStep<Opts extends z.ZodType, I extends Record<string, InputSpec>, O extends Record<string, ArtifactKind>>(
  spec: StepKindSpec<Opts, I, O>,
): StepKind<Opts, I, O> {
  return {
    ...spec,
    profile: spec.profile ?? 'cpu',
    retry: { ...DEFAULT_RETRY, ...spec.retry },
    timeouts: { ...DEFAULT_TIMEOUTS, ...spec.timeouts },
    get version() {
      return codeVersion(spec.module);
    },
  };
}

/** Erases a kind's generic parameters for registries that hold many kinds. */
export type AnyStepKind = StepKind<z.ZodType, Record<string, InputSpec>, Record<string, ArtifactKind>>;
export const anyStep = <T>(kind: T): AnyStepKind => kind as unknown as AnyStepKind;
