import { execFile } from 'node:child_process';
import { open, statfs } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultBaseModelPath } from '../../activities/models/base-model.js';
import { note, ok, problem, type CheckResult } from './check.js';
import { nodeSatisfies, supportedNodeRange } from './node-range.js';
import { which } from './which.js';

const run = promisify(execFile);

export function nodeCheck(version = process.versions.node, range = supportedNodeRange()): CheckResult {
  if (nodeSatisfies(version, range)) return ok('node', `v${version.replace(/^v/, '')} (supported: ${range})`);
  return problem('node', `v${version.replace(/^v/, '')} is not supported (supported: ${range})`, `install a supported Node (${range}), e.g. with nvm: nvm install 22`);
}

/** Go builds the pinned Temporal CLI once; with the binary already there (or given), nothing needs it. */
export async function goCheck(temporalBinaryAvailable: boolean, envPath = process.env.PATH ?? ''): Promise<CheckResult> {
  const go = await which('go', envPath);
  if (!go) {
    if (temporalBinaryAvailable) return note('go', 'not found; not needed while the Temporal binary is there');
    return problem('go', 'not found on PATH, and the Temporal CLI is not built yet', 'install Go (https://go.dev/dl/), or set FORGELINE_TEMPORAL_BIN to a temporal binary, or TEMPORAL_ADDRESS to a running server');
  }
  try {
    const { stdout } = await run(go, ['version'], { timeout: 15_000, env: { ...process.env, PATH: envPath } });
    return ok('go', stdout.trim());
  } catch (err) {
    return problem('go', `${go} does not run: ${(err as Error).message.split('\n')[0]}`, 'reinstall Go (https://go.dev/dl/)');
  }
}

/**
 * What a quickstart writes: the base model's training copy, checkpoints, the tuned and quantized
 * models, datasets and the Temporal database. A few hundred MB for the 135M base; 2 GiB leaves room.
 */
export const MIN_FREE_BYTES = 2 * 1024 ** 3;

export async function diskCheck(home: string, minFree = MIN_FREE_BYTES): Promise<CheckResult> {
  let dir = path.resolve(home);
  // The state folder may not exist yet: measure the volume it will be made on.
  for (;;) {
    try {
      const s = await statfs(dir);
      const free = s.bavail * s.bsize;
      const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      if (free >= minFree) return ok('disk', `${gib(free)} free at ${dir}`);
      return problem('disk', `${gib(free)} free at ${dir}, a run needs about ${gib(minFree)}`, `free space on that volume, or set FORGELINE_HOME to a folder on a larger one`);
    } catch (err) {
      const parent = path.dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
      dir = parent;
    }
  }
}

/** The base model must be there and be a GGUF file (its first four bytes say `GGUF`). */
export async function baseModelCheck(env: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const file = defaultBaseModelPath(env);
  const fix = 'run `npx forgeline quickstart` once to fetch it, or set FORGELINE_BASE_MODEL to a GGUF file';
  let magic: string;
  try {
    const fd = await open(file, 'r');
    try {
      const { bytesRead, buffer } = await fd.read(Buffer.alloc(4), 0, 4, 0);
      magic = buffer.subarray(0, bytesRead).toString('latin1');
    } finally {
      await fd.close();
    }
  } catch (err) {
    return problem('base model', `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`, fix);
  }
  if (magic !== 'GGUF') return problem('base model', `${file} is not a GGUF file (it starts with ${JSON.stringify(magic)})`, fix);
  return ok('base model', file);
}
