import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where the quickstart's base model is looked for: FORGELINE_BASE_MODEL, else the file that the
 * quickstart fetches once into `.cache/models/`. Doctor's only view of it; meant to be pointed at
 * the model module's own constant once that exists.
 */
export function baseModelFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.FORGELINE_BASE_MODEL || path.join(REPO_ROOT, '.cache', 'models', 'SmolLM2-135M-Instruct.Q4_1.gguf');
}
