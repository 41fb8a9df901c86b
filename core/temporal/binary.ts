import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PipelineError } from '../errors.js';

const run = promisify(execFile);

/** The pinned Temporal CLI (it carries the dev server and the Web UI). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** `<repo>/.cache/temporal/<version>/temporal`: ignored by git, shared by every state folder. */
export const TEMPORAL_CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../.cache/temporal',
  TEMPORAL_CLI_VERSION,
);

export interface TemporalBinary {
  path: string;
  source: 'env' | 'cache' | 'built';
}

/**
 * Finds the `temporal` binary: FORGELINE_TEMPORAL_BIN, else the cached build, else builds the pinned
 * version from the Go module proxy (the one registry that carries it here; about 5 minutes once).
 */
export async function ensureTemporalBinary(
  envBin: string | undefined,
  log: (msg: string) => void = () => undefined,
): Promise<TemporalBinary> {
  if (envBin) {
    if (!(await isExecutable(envBin))) throw new PipelineError('CONFIG', `FORGELINE_TEMPORAL_BIN=${envBin} is not an executable file`);
    return { path: envBin, source: 'env' };
  }
  const cached = path.join(TEMPORAL_CACHE_DIR, 'temporal');
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${TEMPORAL_CACHE_DIR} (once; a few minutes)`);
  await mkdir(TEMPORAL_CACHE_DIR, { recursive: true });
  try {
    await run('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: TEMPORAL_CACHE_DIR, CGO_ENABLED: '0' },
      maxBuffer: 64 << 20,
    });
  } catch (err) {
    throw new PipelineError(
      'DEPENDENCY_MISSING',
      `cannot build the Temporal CLI: ${(err as Error).message.split('\n')[0]}. Install Go, or set FORGELINE_TEMPORAL_BIN to a temporal binary, or TEMPORAL_ADDRESS to a running server`,
    );
  }
  return { path: cached, source: 'built' };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
