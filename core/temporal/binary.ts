import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors.js';
import { goInstall, type GoBuildProgress } from './go-build.js';

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
 * version from the Go module proxy (the one registry that carries it here). The build takes minutes
 * once (about 12 on the 2-core development machine under load); it reports its progress on stderr.
 */
export async function ensureTemporalBinary(
  envBin: string | undefined,
  log: (msg: string) => void = () => undefined,
  cacheDir = TEMPORAL_CACHE_DIR,
): Promise<TemporalBinary> {
  if (envBin) {
    if (!(await isExecutable(envBin))) throw new PipelineError('CONFIG', `FORGELINE_TEMPORAL_BIN=${envBin} is not an executable file`);
    return { path: envBin, source: 'env' };
  }
  const cached = path.join(cacheDir, 'temporal');
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${cacheDir} (once; several minutes; progress on stderr)`);
  await mkdir(cacheDir, { recursive: true });
  try {
    await goInstall({ target: `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`, gobin: cacheDir, onProgress: progressLine(process.stderr) });
  } catch (err) {
    throw new PipelineError(
      'DEPENDENCY_MISSING',
      `cannot build the Temporal CLI: ${(err as Error).message.replace(/\s*\n\s*/g, '; ')}. Install Go, or set FORGELINE_TEMPORAL_BIN to a temporal binary, or TEMPORAL_ADDRESS to a running server`,
    );
  }
  return { path: cached, source: 'built' };
}

/** One line per report; on a terminal the same line, rewritten. */
export function progressLine(out: NodeJS.WriteStream): (p: GoBuildProgress) => void {
  return (p) => {
    const s = Math.round(p.elapsedMs / 1000);
    const what = p.done
      ? `built in ${s} s (${p.compiled} packages compiled)`
      : p.compiled === 0
        ? `still building (${s} s): fetching modules${p.downloaded ? ` (${p.downloaded} so far)` : ''}`
        : `still building (${s} s): ${p.compiled} packages compiled, last ${p.last}`;
    const line = `temporal CLI ${TEMPORAL_CLI_VERSION}: ${what}`;
    out.write(out.isTTY ? `\r\x1b[K${line}${p.done ? '\n' : ''}` : `${line}\n`);
  };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
