/**
 * Compile-time checks of `p.step`. The main build compiles this file, so a line marked
 * `@ts-expect-error` that stops being an error breaks the build; typed-pipeline.test.ts also strips
 * the markers and checks that each of those lines fails for the reason given.
 */
import { z } from 'zod';
import { definePipeline } from '../../core/dsl/pipeline.js';
import { defineStep } from '../../core/dsl/step-kind.js';
// The map of built-in kinds; `tsc -p .` compiles activities/ anyway, a one-file program needs the import.
import type {} from '../../activities/step-kinds.js';

export const typed = definePipeline({
  name: 'typed',
  description: 'types only',
  params: z.object({ minChars: z.number().default(8) }),
  build(p, params) {
    const load = p.step('load', 'read-jsonl', { path: 'data/smoke.jsonl' });
    const kept = p.step('filter', 'filter-length', { field: 'output', min: params.minChars }, { records: load.out('records') });
    const split = p.step('split', 'split', { ratios: [0.9, 0.05, 0.05] }, { records: kept.out('records') });
    p.step('score', 'score', {}, { records: split.out('train') });

    // @ts-expect-error [kind] no step kind named filter-lenght
    p.step('typo-kind', 'filter-lenght', { field: 'output' });
    // @ts-expect-error [option] filter-length has min and max, not minimum
    p.step('typo-option', 'filter-length', { field: 'output', minimum: 3 });
    // @ts-expect-error [value] min is a number
    p.step('wrong-value', 'filter-length', { field: 'output', min: 'three' });
    // @ts-expect-error [required] read-jsonl needs its path
    p.step('no-path', 'read-jsonl', {});
    // @ts-expect-error [output] split's outputs are train, valid, test and report
    p.step('typo-output', 'score', {}, { records: split.out('training') });
  },
});

/** A pipeline that brings its own kind may name it; the built-in kinds stay checked beside it. */
const shout = defineStep({
  kind: 'shout',
  description: 'types only',
  module: import.meta.url,
  inputs: {},
  outputs: {},
  options: z.object({}),
  run: () => Promise.resolve({ outputs: {} }),
});

export const own = definePipeline({
  name: 'own',
  description: 'types only',
  params: z.object({}),
  steps: [shout],
  build(p) {
    p.step('shout', 'shout', {});
    // @ts-expect-error [builtin] a built-in kind's options are still checked
    p.step('filter', 'filter-length', { feild: 'output' });
  },
});
