import { describe, expect, it } from '@jest/globals';
import { buildStepKindRegistry } from '../../activities/registry.js';
import { compilePipeline } from '../../core/dsl/compile.js';
import { loadPipelines } from '../../core/registry/pipelines.js';

const SEED_PIPELINES = ['cypher-expert', 'json-expert', 'tlp-classifier', 'reasoning-curriculum', 'relationship-coach'];

describe('built-in pipelines', () => {
  it('all load, and every one compiles with its defaults', async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    expect([...pipelines.keys()]).toEqual(expect.arrayContaining(['smoke', 'quickstart', ...SEED_PIPELINES]));
    for (const { definition } of pipelines.values()) {
      const plan = compilePipeline(definition, {}, (k) => kinds.get(k));
      expect(plan.steps.length).toBeGreaterThan(0);
    }
  });

  it('the curriculum has seed 002 phases in order, each training from the previous model, with an approval before phase 4', async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const plan = compilePipeline(pipelines.get('reasoning-curriculum')!.definition, {}, (k) => kinds.get(k));
    const trains = plan.steps.filter((s) => s.kind === 'train');
    expect(trains.map((s) => (s.options as { phase: string }).phase)).toEqual(['phase1_calibration', 'phase2_reasoning', 'phase3_creative', 'phase4_robustness']);
    expect(trains.map((s) => (s.options as { epochs: number }).epochs)).toEqual([2, 1, 1, 1]);
    expect(trains.map((s) => (s.inputs.model as { step: string }).step)).toEqual(['base-model', 'train-1', 'train-2', 'train-3']);
    expect((trains[3]!.inputs.data as { step: string }).step).toBe('red-team-review');
  });

  it('relationship-coach carries seed 004 thresholds', async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const plan = compilePipeline(pipelines.get('relationship-coach')!.definition, {}, (k) => kinds.get(k));
    const opt = (id: string) => plan.steps.find((s) => s.id === id)!.options as Record<string, unknown>;
    expect(opt('score').threshold).toBe(7);
    expect(opt('dedup').threshold).toBe(0.85);
    expect(opt('new-data-gate').threshold).toBe(1000);
    expect(opt('split').ratios).toEqual([0.9, 0.05, 0.05]);
    // Over the gate: train -> evaluate -> promote; the promotion gate judges the evaluation against the base model.
    const promote = plan.steps.find((s) => s.id === 'promote')!;
    expect(promote.kind).toBe('promote');
    expect(promote.inputs.evals).toEqual([expect.objectContaining({ step: 'evaluate' })]);
    expect(opt('promote').rules).toEqual([
      { rule: 'better', metric: 'test.perplexity', points: 0, minExamples: 20 },
      { rule: 'no_regression', metrics: ['test.rouge_l'], points: 2 },
    ]);
    expect(plan.steps.find((s) => s.id === 'report')!.inputs.reports).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'promote' })]));
  });
});
