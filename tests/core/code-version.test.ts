import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeFiles, codeVersion } from '../../core/cache/code-version.js';
import { cacheKey } from '../../core/cache/step-cache.js';
import { trainStep } from '../../activities/train/train-step.js';
import { evaluateStep } from '../../activities/eval/evaluate-step.js';
import { generateStep } from '../../activities/generate/generate-step.js';
import { quantizeStep } from '../../activities/models/quantize-step.js';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

/** A step module in a temp folder that imports a helper and starts a child and a Python script by path. */
function fixture(): { dir: string; module: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-version-'));
  const files: Record<string, string> = {
    'step.js': [
      "import { helper } from './helper.js';",
      "const CHILD = new URL('./child.js', import.meta.url);",
      "const SCRIPT = new URL('./py/train.py', import.meta.url);",
      'export const run = () => [helper, CHILD, SCRIPT];',
    ].join('\n'),
    'helper.js': 'export const helper = 1;',
    'child.js': "import './child-lib.js';",
    'child-lib.js': 'export const lr = 1e-5;',
    'py/train.py': 'lr = 1e-5\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, module: pathToFileURL(path.join(dir, 'step.js')).href };
}

const key = (module: string): string => cacheKey({ kind: 'train', version: codeVersion(module), options: {}, inputs: {} });
const covered = (module: string): Record<string, boolean> => Object.fromEntries(codeFiles(module).map((f) => [path.relative(REPO, f.file), f.started]));

describe('code version', () => {
  it('an edited script that the step starts by path misses the cache, in the same process', () => {
    const { dir, module } = fixture();
    const before = key(module);
    expect(key(module)).toBe(before);
    fs.appendFileSync(path.join(dir, 'py/train.py'), 'lr = 2e-4\n');
    const afterPython = key(module);
    expect(afterPython).not.toBe(before);
    // What the started child imports is loaded fresh by each child, so it counts too.
    fs.writeFileSync(path.join(dir, 'child-lib.js'), 'export const lr = 2e-4;');
    expect(key(module)).not.toBe(afterPython);
  });

  it('a module this process imported keeps its version: the process still runs the code it loaded', () => {
    const { dir, module } = fixture();
    const before = key(module);
    fs.writeFileSync(path.join(dir, 'helper.js'), 'export const helper = 2;');
    expect(key(module)).toBe(before);
  });

  it('the native and Python steps cover the scripts they start', () => {
    expect(covered(trainStep.module)).toMatchObject({
      'python/hf_train.py': true,
      'dist/activities/train/child/llamacpp-child.js': true,
      'dist/activities/models/child/probe-child.js': true,
      'dist/native/gguf-writer.js': false,
    });
    expect(covered(quantizeStep.module)).toMatchObject({ 'dist/activities/models/child/quantize-child.js': true });
    expect(covered(evaluateStep.module)).toMatchObject({ 'dist/activities/eval/llm/child.js': true });
    expect(covered(generateStep.module)).toMatchObject({ 'dist/activities/generate/providers/local-child.js': true });
  });
});
