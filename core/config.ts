import path from 'node:path';
import { PipelineError } from './errors.js';

/**
 * Everything Forgeline reads from the environment, in one typed place (secrets included, so that
 * nothing else touches process.env for them).
 */
export interface ForgelineConfig {
  /** State folder: artifacts, step cache, Temporal's SQLite file, logs. */
  home: string;
  /** An existing Temporal server; when unset, `forgeline dev` starts the embedded one. */
  temporalAddress: string | undefined;
  namespace: string;
  /** A `temporal` binary to use instead of the cached or freshly built one. */
  temporalBin: string | undefined;
  /**
   * Ports of the embedded dev server (frontend and Web UI): FORGELINE_TEMPORAL_PORT and
   * FORGELINE_UI_PORT, else 7233 and 8233, Temporal's own defaults. Another program on 7233 is
   * common (a second checkout, a Temporal started by hand): these move the embedded server aside.
   */
  temporalPort: number;
  uiPort: number;
  /**
   * The only folders a path in a run's params may point into (FORGELINE_INPUT_ROOTS, separated like
   * PATH; default: `data/` in the working folder, and the state folder). A security boundary: params
   * come from anyone who can start a workflow (docs/deployment.md).
   */
  inputRoots: string[];
  /** Extra folders of pipeline modules, beside the built-in `pipelines/`. */
  pipelineDirs: string[];
  logLevel: string;
  /**
   * Where the JSON logs go: FORGELINE_LOG_FILE, else stderr. The CLI commands that run a worker in
   * their own process (quickstart, dev) point it at `<home>/logs/worker.log` unless `--verbose`, so
   * that log lines do not break into the progress display.
   */
  logFile: string | undefined;
  /**
   * Activities one worker runs at once per queue. Steps are mostly I/O-bound or run their heavy
   * work in child processes, so the default is high; lower it on small hosts.
   */
  workerConcurrency: number;
  /**
   * Steps the workflow's own worker may take eagerly: scheduled in a workflow task's reply and
   * started at once, without a trip through the task queue (the server then records each start in
   * the same write as the schedule). Default: all of `workerConcurrency`, so a fan-out on one host
   * costs the server half as much (docs/performance.md). With several worker hosts, a lower value
   * spreads a fan-out over them instead; 0 turns it off.
   */
  eagerActivities: number;
  /**
   * FORGELINE_CPU_MODEL_SLOTS: llama.cpp evaluation children one CPU worker process runs at once
   * (activities/eval/llm/cpu-slots.ts); unset: 1 in a worker (workers/start-workers.ts).
   */
  cpuModelSlots: number | undefined;
  neo4j: { uri: string; user: string; password: string } | undefined;
  anthropicApiKey: string | undefined;
  anthropicBaseUrl: string | undefined;
  /**
   * FORGELINE_PII_KEY: the AES-256 key of the pii step's `encrypt` operator, raw (64 hex digits or
   * base64). Checked where it is used (activities/curation/pii/encrypt.ts), so a run that never
   * encrypts does not fail on it.
   */
  piiKey: string | undefined;
  /**
   * Where artifacts live: FORGELINE_ARTIFACTS=s3://bucket/prefix for an S3-compatible store shared
   * by every worker host (endpoint from AWS_ENDPOINT_URL, credentials from the AWS SDK's default
   * chain); unset: the local store in the state folder, the embedded default.
   */
  artifacts: ArtifactsLocation;
  /**
   * FORGELINE_ARTIFACT_CACHE_MB: the bound on the local copies an S3 store keeps of the artifacts
   * steps read (least recently used go first). It must hold the largest set of inputs one step
   * reads at once, a base model and its dataset at least.
   */
  artifactCacheBytes: number;
}

export type ArtifactsLocation =
  | { kind: 'local' }
  | {
      kind: 's3';
      bucket: string;
      /** Empty, or ends with `/`. */
      prefix: string;
      /** AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: an S3-compatible server (SeaweedFS, MinIO); unset: AWS. */
      endpoint: string | undefined;
      /** AWS_REGION, else AWS_DEFAULT_REGION; an S3-compatible server takes any. */
      region: string | undefined;
    };

/** 20 GiB: a few multi-GB GGUF models and their datasets. */
export const DEFAULT_ARTIFACT_CACHE_MB = 20 * 1024;

export const DEFAULT_TEMPORAL_PORT = 7233;
export const DEFAULT_UI_PORT = 8233;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ForgelineConfig {
  const home = path.resolve(env.FORGELINE_HOME ?? '.forgeline');
  const neo4jUri = env.NEO4J_URI;
  const workerConcurrency = wholeNumber(env, 'FORGELINE_WORKER_CONCURRENCY', 1) ?? 64;
  return {
    home,
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    temporalBin: env.FORGELINE_TEMPORAL_BIN || undefined,
    temporalPort: wholeNumber(env, 'FORGELINE_TEMPORAL_PORT', 1) ?? DEFAULT_TEMPORAL_PORT,
    uiPort: wholeNumber(env, 'FORGELINE_UI_PORT', 1) ?? DEFAULT_UI_PORT,
    inputRoots: pathList(env.FORGELINE_INPUT_ROOTS) ?? [path.resolve('data'), home],
    pipelineDirs: (env.FORGELINE_PIPELINES ?? '')
      .split(path.delimiter)
      .filter((d) => d.length > 0)
      .map((d) => path.resolve(d)),
    logLevel: env.FORGELINE_LOG_LEVEL ?? 'info',
    logFile: env.FORGELINE_LOG_FILE ? path.resolve(env.FORGELINE_LOG_FILE) : undefined,
    workerConcurrency,
    eagerActivities: wholeNumber(env, 'FORGELINE_EAGER_ACTIVITIES') ?? workerConcurrency,
    cpuModelSlots: wholeNumber(env, 'FORGELINE_CPU_MODEL_SLOTS', 1),
    neo4j: neo4jUri
      ? { uri: neo4jUri, user: env.NEO4J_USER ?? 'neo4j', password: env.NEO4J_PASSWORD ?? '' }
      : undefined,
    anthropicApiKey: env.ANTHROPIC_API_KEY || undefined,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL || undefined,
    piiKey: env.FORGELINE_PII_KEY || undefined,
    artifacts: artifactsLocation(env),
    artifactCacheBytes: (wholeNumber(env, 'FORGELINE_ARTIFACT_CACHE_MB', 1) ?? DEFAULT_ARTIFACT_CACHE_MB) * 1024 * 1024,
  };
}

/** `s3://bucket/prefix` (the prefix may be empty); unset or empty: the local store. */
function artifactsLocation(env: NodeJS.ProcessEnv): ArtifactsLocation {
  const raw = env.FORGELINE_ARTIFACTS;
  if (!raw) return { kind: 'local' };
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(raw);
  if (!m) throw new PipelineError('CONFIG', `FORGELINE_ARTIFACTS must be s3://bucket/prefix (a bucket name of 3-63 lower-case letters, digits, dots and hyphens), got "${raw}"`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  return {
    kind: 's3',
    bucket: m[1]!,
    prefix: prefix ? `${prefix}/` : '',
    endpoint: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
  };
}

/** A PATH-like list of folders, absolute; unset or empty: undefined (the default applies). */
function pathList(raw: string | undefined): string[] | undefined {
  const dirs = (raw ?? '').split(path.delimiter).filter((d) => d.length > 0);
  return dirs.length > 0 ? dirs.map((d) => path.resolve(d)) : undefined;
}

/** A variable that must be a whole number >= `min` when set; a typo is an error, not a silent default. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, min = 0): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new PipelineError('CONFIG', `${name} must be a whole number >= ${min}, got "${raw}"`);
  return n;
}

/** The address a client should dial: the configured server, else the embedded dev server. */
export function temporalAddressOf(config: Pick<ForgelineConfig, 'temporalAddress' | 'temporalPort'>): string {
  return config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`;
}

export const statePaths = (home: string) => ({
  artifacts: path.join(home, 'artifacts'),
  /** An S3 store's local copies, and its writers' spool files (same volume: commit renames one into the other). */
  artifactCache: path.join(home, 'artifact-cache'),
  cache: path.join(home, 'cache'),
  tmp: path.join(home, 'tmp'),
  bin: path.join(home, 'bin'),
  temporalDb: path.join(home, 'temporal.db'),
  logs: path.join(home, 'logs'),
  runs: path.join(home, 'runs'),
});
