import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../../../core/errors.js';

const SETUP = fileURLToPath(new URL('../../../../scripts/setup-hf.sh', import.meta.url));

/**
 * Runs scripts/setup-hf.sh (the hf backend's one-command set-up: a venv at .cache/hf-venv with
 * python/requirements.txt) with its output shown, so the README's first command installs what the
 * quickstart's trainer needs. The script does nothing when the venv is current. Skipped when
 * FORGELINE_PYTHON names an interpreter the user set up.
 */
export async function ensureHfBackend(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.FORGELINE_PYTHON) return;
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [SETUP], { cwd: path.dirname(path.dirname(SETUP)), stdio: ['ignore', 'inherit', 'inherit'], env });
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    throw new PipelineError('DEPENDENCY_MISSING', `the hf training backend's set-up failed (${SETUP} exited ${code}); run it again, or set FORGELINE_PYTHON to a Python with python/requirements.txt installed`);
  }
}
