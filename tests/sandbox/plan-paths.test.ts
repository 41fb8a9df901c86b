import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { evaluateStep } from '../../activities/eval/evaluate-step.js';
import type { Plan } from '../../core/workflow-safe/plan.js';
import { anyStep, type AnyStepKind } from '../../core/dsl/step-kind.js';
import { isInside, realLocation } from '../../core/sandbox/input-roots.js';
import { checkPlanPaths, valuesAt } from '../../core/sandbox/plan-paths.js';

const tmp = () => fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-roots-'));

describe('plan paths', () => {
  it('a file not written yet is placed where its existing folder really is, so a symlinked folder cannot lead a write out', async () => {
    const root = await tmp();
    const outside = await tmp();
    await fs.symlink(outside, path.join(root, 'out'));
    const target = path.join(root, 'out', 'new', 'model.gguf');
    expect(await realLocation(target)).toBe(path.join(await fs.realpath(outside), 'new', 'model.gguf'));
    expect(isInside(await realLocation(target), [await fs.realpath(root)])).toBe(false);
    expect(isInside(await realLocation(path.join(root, 'new.jsonl')), [await fs.realpath(root)])).toBe(true);
  });

  it('finds paths inside arrays of options, and names the step option when no param holds the value', async () => {
    const root = await tmp();
    const options = { benchmarks: { multipleChoice: [{ name: 'a', path: path.join(root, 'a.jsonl') }, { name: 'b', path: '/etc/hostname', fewshotPath: '/etc/hosts' }] } };
    expect(valuesAt(options, 'benchmarks.multipleChoice.*.path').map((v) => v.at)).toEqual(['benchmarks.multipleChoice.0.path', 'benchmarks.multipleChoice.1.path']);
    const plan = { pipeline: 'p', params: { hosts: '/etc/hosts' }, device: 'auto', notes: [], steps: [{ id: 'eval', kind: 'evaluate', options, inputs: {} }] } as unknown as Plan;
    const kinds = new Map<string, AnyStepKind>([['evaluate', anyStep(evaluateStep)]]);
    await expect(checkPlanPaths(plan, (k) => kinds.get(k), [root])).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
      issues: [
        { path: 'step "eval" options.benchmarks.multipleChoice.1.path', message: '"/etc/hostname" is outside the input roots (read by step "eval")' },
        { path: 'params.hosts', message: '"/etc/hosts" is outside the input roots (read by step "eval")' },
      ],
    });
  });
});
