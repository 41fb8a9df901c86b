import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The layer rules of eslint.config.js (core/ imports nothing above it), applied the way `npx eslint`
 * applies it: the options come from the project's own config for the file's path. Only those rules
 * run, on source text, so the check needs no type information and no file on disk.
 */
const LAYER_RULES = ['no-restricted-imports', 'no-restricted-syntax'];

async function layerProblems(file: string, source: string): Promise<string[]> {
  const config = (await new ESLint({ cwd: REPO_ROOT }).calculateConfigForFile(path.join(REPO_ROOT, file))) as { rules?: Record<string, Linter.RuleEntry> };
  const rules = Object.fromEntries(LAYER_RULES.flatMap((name) => (config.rules?.[name] ? [[name, config.rules[name]]] : [])));
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(source, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser }, rules }], file);
  return messages.map((m) => m.message);
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.relative(REPO_ROOT, path.join(e.parentPath, e.name)));
}

describe('layers point one way', () => {
  it.each([
    ['core/dsl/compile.ts', "import { BUILTIN_STEPS } from '../../activities/registry.js';"],
    ['core/config.ts', "import type { Command } from '../cli/main.js';"],
    ['core/client/runs.ts', "import type { LiveProgress } from '../../cli/output.js';"],
    ['core/registry/pipelines.ts', "export { default } from '../../pipelines/smoke.js';"],
    ['core/temporal/client.ts', "const w = await import('../../workers/start-workers.js');"],
    ['core/workflow-safe/plan.ts', "import type { RunPipeline } from '../../workflows/run-pipeline.js';"],
  ])('%s may not import upward: %s', async (file, source) => {
    const problems = await layerProblems(file, source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/core\/ imports nothing from the layers above it/);
  });

  it('core/ may import core/, packages and Node; the layers above may import core/', async () => {
    expect(await layerProblems('core/dsl/compile.ts', "import { z } from 'zod';\nimport { PipelineError } from '../errors.js';\nimport { stepActivityName } from '../workflow-safe/queues.js';")).toEqual([]);
    expect(await layerProblems('activities/registry.ts', "import { PipelineError } from '../core/errors.js';")).toEqual([]);
    expect(await layerProblems('cli/main.ts', "import { runWorkers } from '../workers/start-workers.js';")).toEqual([]);
  });

  it('the workflow-safe files keep the workflow rule beside the layer rule', async () => {
    expect(await layerProblems('core/workflow-safe/duration.ts', "import fs from 'node:fs';")).toEqual([expect.stringMatching(/Node built-ins are not allowed in workflow code/)]);
  });

  it('every file in core/ keeps the rule today', async () => {
    const found: string[] = [];
    for (const file of await tsFiles('core')) {
      for (const problem of await layerProblems(file, await readFile(path.join(REPO_ROOT, file), 'utf8'))) found.push(`${file}: ${problem}`);
    }
    expect(found).toEqual([]);
  });

  it("docs/developing.md's layer chart is the one `npm run diagram` draws from the code today", async () => {
    await expect(promisify(execFile)(process.execPath, ['scripts/diagram.mjs', '--check'], { cwd: REPO_ROOT })).resolves.toBeDefined();
  });
});
