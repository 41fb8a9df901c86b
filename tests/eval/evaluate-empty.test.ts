import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { evaluateStep } from '../../activities/eval/evaluate-step.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import { loadConfig } from '../../core/config.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';

// Issue 24: a small input (relationship-coach on 12 records) leaves the 5% test split empty; the
// evaluation then scored NaN everywhere and the promotion gate crashed on it.
describe('evaluate on an empty test split', () => {
  it('fails at once, naming the empty test split, instead of writing a report of NaN scores', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-eval-empty-'));
    const model = path.join(dir, 'tiny.gguf');
    await buildTinyModel(model, { seed: 5 });
    const empty = path.join(dir, 'test.jsonl');
    await fs.writeFile(empty, '');
    await expect(
      runStepOnFiles(anyStep(evaluateStep), { inputs: { tuned: model, base: model, test: empty }, config: {}, warn: () => undefined }, loadConfig({ FORGELINE_HOME: path.join(dir, 'home') }), createLogger({ level: 'warn' })),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT_DATA', message: 'evaluate: the test split is empty (0 records); give the pipeline more data or a larger test ratio' });
  }, 120_000);
});
