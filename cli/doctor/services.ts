import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ForgelineConfig } from '../../core/config.js';
import { ok, problem, type CheckResult } from './check.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What python/hf_train.py imports (gguf for the export through llama.cpp's converter). */
export const HF_MODULES = ['torch', 'transformers', 'peft', 'gguf'];

/**
 * The `hf` training backend counts as configured once FORGELINE_PYTHON is set or scripts/setup-hf.sh
 * made its venv; the interpreter is then the one the trainer picks (activities/train/backends/hf.ts).
 */
export function hfPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FORGELINE_PYTHON) return env.FORGELINE_PYTHON;
  const venv = path.join(REPO_ROOT, '.cache', 'hf-venv', 'bin', 'python');
  return existsSync(venv) ? venv : undefined;
}

export async function pythonCheck(python: string): Promise<CheckResult> {
  // llama.cpp's gguf-py, as hf_train.py puts it on the path for the converter.
  const ggufPy = path.join(REPO_ROOT, 'node_modules', 'node-llama-cpp', 'llama', 'llama.cpp', 'gguf-py');
  const env = { ...process.env, PYTHONPATH: [ggufPy, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
  const script = `import importlib, sys\nmissing = []\nfor m in ${JSON.stringify(HF_MODULES)}:\n    try:\n        importlib.import_module(m)\n    except Exception as e:\n        missing.append(m)\nprint(sys.version.split()[0]); print(",".join(missing))`;
  try {
    const { stdout } = await run(python, ['-c', script], { timeout: 120_000, env });
    const [version, missing] = stdout.trim().split('\n');
    if (missing) return problem('python (hf)', `${python} (Python ${version}) cannot import ${missing.split(',').join(', ')}`, 'run scripts/setup-hf.sh (or pip install -r python/requirements.txt into FORGELINE_PYTHON\'s environment)');
    return ok('python (hf)', `${python} (Python ${version}) imports ${HF_MODULES.join(', ')}`);
  } catch (err) {
    return problem('python (hf)', `${python} does not run: ${(err as Error).message.split('\n')[0]}`, 'set FORGELINE_PYTHON to a Python 3 interpreter, or run scripts/setup-hf.sh');
  }
}

export async function neo4jCheck(neo4j: NonNullable<ForgelineConfig['neo4j']>): Promise<CheckResult> {
  const { default: driverOf } = await import('neo4j-driver');
  const driver = driverOf.driver(neo4j.uri, driverOf.auth.basic(neo4j.user, neo4j.password), { connectionTimeout: 5000, maxConnectionLifetime: 10_000 });
  try {
    const info = await driver.getServerInfo();
    return ok('neo4j', `${neo4j.uri} answers (${info.agent ?? 'neo4j'})`);
  } catch (err) {
    // The driver's message is a paragraph of advice; its cause (ECONNREFUSED, bad credentials) is the news.
    const message = (err as Error).message.split('\n')[0]!;
    return problem('neo4j', `${neo4j.uri}: ${/Caused by: (.*)$/.exec(message)?.[1] ?? message}`, 'start Neo4j there, fix NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, or unset NEO4J_URI to use the embedded lineage store');
  } finally {
    await driver.close();
  }
}
