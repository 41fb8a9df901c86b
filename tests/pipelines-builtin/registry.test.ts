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
    // One test split, held out before any phase mixes: every phase mixes from its training part and
    // is scored on it, so no phase trains on what a later phase is tested on.
    const step = (id: string) => plan.steps.find((s) => s.id === id)!;
    expect(step('pool').options).toMatchObject({ total: 'all' });
    expect(step('train-buckets').inputs.records).toMatchObject({ step: 'split', output: 'train' });
    for (const n of [1, 2, 3, 4]) {
      expect(step(`mix-${n}`).inputs.manifest).toMatchObject({ step: 'train-buckets' });
      expect(step(`evaluate-${n}`).inputs.test).toMatchObject({ step: 'split', output: 'test' });
      expect(step(`promote-${n}`).kind).toBe('promote');
    }
    expect(plan.steps.filter((s) => s.kind === 'split')).toHaveLength(1);
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

  // Issue 19, defect 3: one `perPhase` (10,000) replaced seed 002's sizes, lines 250-321.
  it("the curriculum mixes seed 002's per-phase sizes (10K, 200K, 100K, 50K), scaled alike for small runs", async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const totals = (params: Record<string, unknown>) =>
      compilePipeline(pipelines.get('reasoning-curriculum')!.definition, params, (k) => kinds.get(k))
        .steps.filter((s) => /^mix-\d$/.test(s.id))
        .map((s) => (s.options as { total: number }).total);
    expect(totals({})).toEqual([10_000, 200_000, 100_000, 50_000]);
    expect(totals({ scale: 0.01 })).toEqual([100, 2_000, 1_000, 500]);
    expect(totals({ scale: 1e-6 })).toEqual([1, 1, 1, 1]);
    expect(totals({ scale: 0.0005, minPerPhase: 40 })).toEqual([40, 100, 50, 40]);
    expect(() => totals({ perPhase: 40 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS', issues: [expect.objectContaining({ path: 'params.perPhase' })] }));
    expect(pipelines.get('reasoning-curriculum')!.definition.description).not.toMatch(/25K/);
  });

  // Issue 19, defect 5: seed 000 holds out 10-20% for test; seeds 001 and 004 split 90/5/5.
  it("splits each pipeline with its own seed's ratios", async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const ratios = (name: string) =>
      compilePipeline(pipelines.get(name)!.definition, {}, (k) => kinds.get(k))
        .steps.filter((s) => s.kind === 'split')
        .map((s) => (s.options as { ratios: number[] }).ratios);
    for (const name of ['cypher-expert', 'tlp-classifier']) {
      const [[, , test]] = ratios(name) as [[number, number, number]];
      expect(test).toBeGreaterThanOrEqual(0.1);
      expect(test).toBeLessThanOrEqual(0.2);
      expect(ratios(name)).toEqual([[0.8, 0.05, 0.15]]);
    }
    for (const name of ['json-expert', 'relationship-coach', 'quickstart']) expect(ratios(name)).toEqual([[0.9, 0.05, 0.05]]);
  });

  // Issue 19, defect 4: seed 000's pro tip, "Include `reasoning` field to help model learn *why*".
  it('tlp-classifier trains on the reasoning field by default, and can leave it out', async () => {
    const pipelines = await loadPipelines();
    const kinds = buildStepKindRegistry(pipelines);
    const train = (params: Record<string, unknown>) => compilePipeline(pipelines.get('tlp-classifier')!.definition, params, (k) => kinds.get(k)).steps.find((s) => s.id === 'train')!.options as Record<string, unknown>;
    expect(train({}).reasoningField).toBe('reasoning');
    expect(train({ trainOnReasoning: false }).reasoningField).toBeUndefined();
  });
});
