import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { buildStepKindRegistry } from '../../activities/registry.js';
import { compilePipeline, findCycle } from '../../core/dsl/compile.js';
import { definePipeline, type PipelineBuilder } from '../../core/dsl/pipeline.js';
import { PipelineError } from '../../core/errors.js';
import type { PlanStep } from '../../core/workflow-safe/plan.js';

const kinds = buildStepKindRegistry(new Map());
const lookup = (k: string) => kinds.get(k);

function pipeline(build: (p: PipelineBuilder<string>) => void) {
  return definePipeline({ name: 'bad', description: 'test', params: z.object({ n: z.number().default(1) }), build: (p) => build(p) });
}

function compileError(build: (p: PipelineBuilder<string>) => void, params: unknown = {}): PipelineError {
  try {
    compilePipeline(pipeline(build), params, lookup);
  } catch (err) {
    if (err instanceof PipelineError) return err;
    throw err;
  }
  throw new Error('expected a PipelineError');
}

describe('definition-time validation', () => {
  it('compiles a valid fan-out / fan-in DAG', () => {
    const plan = compilePipeline(
      pipeline((p) => {
        const a = p.step('load', 'read-jsonl', { path: 'x.jsonl' });
        const b = p.step('up', 'map-text', { fields: ['t'], op: 'upper' }, { records: a.out('records') });
        const c = p.step('low', 'map-text', { fields: ['t'], op: 'lower' }, { records: a.out('records') });
        p.step('join', 'concat', {}, { parts: [b.out('records'), c.out('records')] });
      }),
      {},
      lookup,
    );
    expect(plan.steps.map((s) => s.id)).toEqual(['load', 'up', 'low', 'join']);
    expect(plan.steps[0]!.options).toEqual({ path: 'x.jsonl', schema: 'any' });
  });

  it('names the pipeline and step of an unknown step kind', () => {
    const err = compileError((p) => void p.step('x', 'no-such-kind'));
    expect(err.code).toBe('INVALID_PIPELINE');
    expect(err.describe()).toContain('bad: step "x" (no-such-kind): unknown step kind "no-such-kind"');
  });

  it('finds a cycle', () => {
    const err = compileError((p) => {
      p.step('a', 'map-text', { fields: ['t'], op: 'upper' }, { records: { step: 'b', output: 'records' } });
      p.step('b', 'map-text', { fields: ['t'], op: 'upper' }, { records: { step: 'a', output: 'records' } });
    });
    expect(err.describe()).toMatch(/cycle: (a -> b -> a|b -> a -> b)/);
  });

  it('reports a missing input', () => {
    const err = compileError((p) => void p.step('m', 'map-text', { fields: ['t'], op: 'upper' }));
    expect(err.describe()).toContain('step "m" (map-text): missing input "records" (records)');
  });

  it('rejects an output wired to an input of the wrong kind', () => {
    const err = compileError((p) => {
      const a = p.step('load', 'read-jsonl', { path: 'x' });
      const s = p.step('stats', 'field-stats', {}, { records: a.out('records') });
      p.step('m', 'map-text', { fields: ['t'], op: 'upper' }, { records: s.out('report') });
    });
    expect(err.describe()).toContain('input "records" takes records but "stats.report" is report');
  });

  it('rejects unknown outputs and unknown steps in wiring', () => {
    const err = compileError((p) => {
      const a = p.step('load', 'read-jsonl', { path: 'x' });
      // @ts-expect-error [output] tsc knows read-jsonl's outputs; the compiler's own check is under test
      p.step('m', 'map-text', { fields: ['t'], op: 'upper' }, { records: a.out('nope') });
      p.step('n', 'map-text', { fields: ['t'], op: 'upper' }, { records: { step: 'ghost', output: 'records' } });
    });
    expect(err.describe()).toContain('step "load" has no output "nope"');
    expect(err.describe()).toContain('refers to unknown step "ghost"');
  });

  it('reports invalid step options by path', () => {
    // @ts-expect-error [options] tsc knows read-jsonl's options; the compiler's own check is under test
    const err = compileError((p) => void p.step('load', 'read-jsonl', { path: 3, extra: true }));
    expect(err.code).toBe('INVALID_PIPELINE');
    expect(err.describe()).toContain('step "load" (read-jsonl) options.path');
    expect(err.describe()).toContain('options.extra');
  });

  it('rejects unknown and mistyped params, listing every problem', () => {
    const err = compileError(() => undefined, { n: 'one', typo: 1 });
    expect(err.code).toBe('INVALID_PARAMS');
    expect(err.retryable).toBe(false);
    expect(err.issues.map((i) => i.path).sort()).toEqual(['params.n', 'params.typo']);
  });

  it('findCycle returns undefined for a DAG', () => {
    const step = (id: string, up?: string): PlanStep => ({
      id, kind: 'k', options: {}, profile: 'cpu', inputs: up ? { r: { step: up, output: 'o' } } : {},
      activity: { taskQueue: '', startToCloseMs: 0, heartbeatMs: 0, retry: { maximumAttempts: 1, initialIntervalMs: 0, backoffCoefficient: 1, maximumIntervalMs: 0 } },
    });
    expect(findCycle([step('a'), step('b', 'a'), step('c', 'b')])).toBeUndefined();
    expect(findCycle([step('a', 'c'), step('b', 'a'), step('c', 'b')])).toHaveLength(4);
  });
});
