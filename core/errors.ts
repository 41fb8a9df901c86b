/**
 * One error type for the whole project. `code` is a literal union so callers branch on data,
 * not on message text; `retryable` tells Temporal whether another attempt can help.
 */
export type PipelineErrorCode =
  | 'INVALID_PARAMS'
  | 'INVALID_PIPELINE'
  | 'UNKNOWN_PIPELINE'
  | 'UNKNOWN_STEP_KIND'
  | 'INVALID_STEP_OPTIONS'
  | 'INVALID_INPUT_DATA'
  | 'ARTIFACT_MISSING'
  | 'ARTIFACT_CORRUPT'
  | 'CONFIG'
  | 'BUDGET_EXCEEDED'
  | 'STEP_FAILED'
  | 'DEPENDENCY_MISSING'
  | 'EXTERNAL_SERVICE'
  /** ENOSPC or EDQUOT: retryable, since space can be freed; the step activity waits longer between tries. */
  | 'DISK_FULL'
  /** A step reported no progress for longer than its kind allows (`silenceMs`): retryable. */
  | 'STALLED';

const NON_RETRYABLE: ReadonlySet<PipelineErrorCode> = new Set<PipelineErrorCode>([
  'INVALID_PARAMS',
  'INVALID_PIPELINE',
  'UNKNOWN_PIPELINE',
  'UNKNOWN_STEP_KIND',
  'INVALID_STEP_OPTIONS',
  'INVALID_INPUT_DATA',
  'CONFIG',
  'BUDGET_EXCEEDED',
  'DEPENDENCY_MISSING',
]);

export interface Issue {
  /** Dotted path of the offending field (`params.ratios[1]`), or a file location (`data.jsonl:12 instruction`). */
  path: string;
  message: string;
}

export class PipelineError extends Error {
  readonly code: PipelineErrorCode;
  readonly issues: readonly Issue[];
  readonly retryable: boolean;

  constructor(code: PipelineErrorCode, message: string, issues: readonly Issue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipelineError';
    this.code = code;
    this.issues = issues;
    this.retryable = !NON_RETRYABLE.has(code);
  }

  /** The message with every issue: one line per issue, or all on one line for CLI errors. */
  describe(oneLine = false): string {
    if (this.issues.length === 0) return this.message;
    if (oneLine) return `${this.message}: ${this.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    return `${this.message}\n${this.issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`;
  }
}

export function isPipelineError(e: unknown): e is PipelineError {
  return e instanceof PipelineError;
}

/** The errno codes of a volume or a quota with no room left. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

export interface DiskFullContext {
  /** The file being written, as the user or the store knows it; default the error's own (a copy's destination). */
  path?: string;
  /** Bytes the write still needed, where known (a copy's size, the data not yet on disk). */
  needed?: number;
}

/**
 * A DISK_FULL error for an ENOSPC or EDQUOT, naming the path and the bytes needed where known;
 * any other error comes back unchanged. The one place that turns "no space" into a clear line.
 */
export function asDiskFull(err: unknown, at: DiskFullContext = {}): unknown {
  const e = err as (NodeJS.ErrnoException & { dest?: string }) | undefined;
  const code = e?.code;
  if (!code || !NO_SPACE.has(code)) return err;
  const file = at.path ?? e?.dest ?? e?.path ?? 'a file';
  const what = code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full';
  const needed = at.needed !== undefined && at.needed > 0 ? `; ${at.needed} more bytes needed` : '';
  return new PipelineError('DISK_FULL', `${what} (${code}) writing ${file}${needed}; free space there and retry`, [], { cause: err });
}
