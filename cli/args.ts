import { readFileSync, existsSync } from 'node:fs';
import { PipelineError } from '../core/errors.js';

/** `--params` and `--config` take inline JSON or a path to a JSON file. */
export function parseJsonArg(flag: string, value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const text = value.trim().startsWith('{') ? value : existsSync(value) ? readFileSync(value, 'utf8') : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PipelineError('INVALID_PARAMS', `${flag}: not JSON and not a JSON file (${(err as Error).message})`, [{ path: flag, message: 'invalid JSON' }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PipelineError('INVALID_PARAMS', `${flag} must be a JSON object`, [{ path: flag, message: 'must be an object' }]);
  }
  return parsed as Record<string, unknown>;
}
