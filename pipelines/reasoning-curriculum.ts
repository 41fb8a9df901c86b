import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import type { StepHandle } from '../core/dsl/pipeline.js';
import { PHASE_PRESETS } from '../activities/mix/presets.js';
import { baseModel, DEFAULT_LEARNING_RATE, trainingParams } from './parts/model-steps.js';
import { SEED_001_004_RATIOS } from './parts/split-ratios.js';

/**
 * Seed 002's curriculum: a bucket manifest and four phases, each a weighted mix with the seed's
 * preset weights, size and epochs (activities/mix/presets.ts: "Phase 1: Calibration (10K examples,
 * 2 epochs)", line 250; "Phase 2: Reasoning-Heavy (200K examples, 1 epoch)", line 274; "Phase 3:
 * Creative & Style (100K examples, 1 epoch)", line 298; "Phase 4: Robustness & Safety (50K
 * examples, 1 epoch)", line 321), each phase starting from the previous phase's model and evaluated
 * against the base. `scale` shrinks every phase alike for small runs, keeping the seed's 1:20:10:5
 * proportions down to the `minPerPhase` floor. The robustness phase carries the red-team bucket, so a person approves its mix
 * before it trains. Seed 002 names no train/test split: each phase mix splits 90/5/5 as seeds 001
 * and 004 do. A bucket source may be a plain path, as seed 002's `--source` writes it.
 */
const PHASES = ['phase1_calibration', 'phase2_reasoning', 'phase3_creative', 'phase4_robustness'] as const;

/** A phase's mix size: the seed's size times `scale`, at least `min` records. */
function phaseSize(phase: (typeof PHASES)[number], scale: number, min: number): number {
  return Math.max(min, Math.round(PHASE_PRESETS[phase].defaultTotal * scale));
}

export default definePipeline({
  name: 'reasoning-curriculum',
  description: 'Seed 002: bucket manifest -> four phase mixes of the seed\'s sizes (10K/200K/100K/50K, x scale) -> phased training (red-team approval before phase 4) -> evaluation after each phase',
  // The manifest's bucket files are imported as they are, unscrubbed: curated bucket data.
  storesRaw: true,
  params: z.object({
    manifest: z.string().default('data/reasoning-curriculum/manifest.json').describe('bucket manifest (schemas/json/manifest.schema.json)'),
    scale: z.number().positive().default(1).describe('factor on seed 002\'s phase sizes (10K, 200K, 100K, 50K examples) for small runs: 0.01 mixes 100, 2,000, 1,000 and 500'),
    minPerPhase: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('floor on a scaled phase size: a tiny run keeps a phase large enough for its 5% test split to hold an example'),
    approvalTimeout: z.string().default('7d').describe('how long the red-team review may take'),
    onApprovalTimeout: z.enum(['approve', 'reject']).default('reject'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const manifest = p.step('manifest', 'load-manifest', { path: params.manifest });
    const base = baseModel(p, params.baseModel, params.seed);
    let model: StepHandle = base;
    const evals: ReturnType<StepHandle['out']>[] = [];
    const curves: ReturnType<StepHandle['out']>[] = [];
    for (const [i, name] of PHASES.entries()) {
      const n = i + 1;
      const phase = { name, epochs: PHASE_PRESETS[name].epochs };
      const mix = p.step(`mix-${n}`, 'mix', { phase: name, total: phaseSize(name, params.scale, params.minPerPhase), seed: params.seed + n }, { manifest: manifest.out('manifest') });
      const split = p.step(`split-${n}`, 'split', { ratios: SEED_001_004_RATIOS, fields: ['instruction', 'output'], stratifyBy: 'metadata.bucket', seed: params.seed }, { records: mix.out('records') });
      let data = split.out('train');
      if (phase.name === 'phase4_robustness') {
        const review = p.step('red-team-review', 'approval', { prompt: 'Review the red-team examples of the robustness mix before phase 4 trains on them', timeout: params.approvalTimeout, onTimeout: params.onApprovalTimeout }, { records: split.out('train') });
        data = review.out('records');
      }
      const trained = p.step(
        `train-${n}`,
        'train',
        {
          backend: params.backend,
          prompt: 'chat-template',
          phase: phase.name,
          epochs: phase.epochs,
          learningRate: params.learningRate ?? DEFAULT_LEARNING_RATE[params.backend],
          contextSize: params.contextSize,
          threads: params.threads,
          name: `reasoning-${phase.name}`,
        },
        { model: model.out('model'), data, valid: split.out('valid') },
      );
      curves.push(trained.out('progress'));
      const evaluation = p.step(
        `evaluate-${n}`,
        'evaluate',
        { phase: phase.name, engine: { threads: params.threads }, test: { metrics: ['exact_match', 'rouge_l', 'perplexity'], limit: params.evalLimit, maxTokens: 48, prompt: 'chat-template' } },
        { tuned: trained.out('model'), base: base.out('model'), test: split.out('test') },
      );
      evals.push(evaluation.out('report'));
      model = trained;
    }
    const final = p.step('quantize', 'quantize', { type: params.quantize[0], name: 'reasoning-curriculum', threads: params.threads }, { model: model.out('model') });
    // The last phase's model is the one shipped: it is promoted only if better than the base.
    const promotion = p.step('promote', 'promote', { phase: PHASES[PHASES.length - 1], rules: [{ rule: 'better', metric: 'test.rouge_l' }] }, { evals });
    p.step('report', 'report', { title: 'reasoning-curriculum' }, { evals, curves, reports: [final.out('report'), promotion.out('decision')] });
  },
});
