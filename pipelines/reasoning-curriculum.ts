import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import type { StepHandle } from '../core/dsl/pipeline.js';
import { baseModel, DEFAULT_LEARNING_RATE, trainingParams } from './parts/model-steps.js';

/**
 * Seed 002's curriculum: a bucket manifest and four phases, each a weighted mix with the seed's
 * preset weights and epochs (calibration 2, reasoning 1, creative 1, robustness 1), each phase
 * starting from the previous phase's model and evaluated against the base. The robustness phase
 * carries the red-team bucket, so a person approves its mix before it trains.
 */
const PHASES = [
  { name: 'phase1_calibration', epochs: 2 },
  { name: 'phase2_reasoning', epochs: 1 },
  { name: 'phase3_creative', epochs: 1 },
  { name: 'phase4_robustness', epochs: 1 },
] as const;

export default definePipeline({
  name: 'reasoning-curriculum',
  description: 'Seed 002: bucket manifest -> four phase mixes -> phased training (red-team approval before phase 4) -> evaluation after each phase',
  // The manifest's bucket files are imported as they are, unscrubbed: curated bucket data.
  storesRaw: true,
  params: z.object({
    manifest: z.string().default('data/reasoning-curriculum/manifest.json').describe('bucket manifest (schemas/json/manifest.schema.json)'),
    perPhase: z.number().int().positive().default(10_000).describe('examples per phase mix (seed 002: 10K-25K)'),
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
    for (const [i, phase] of PHASES.entries()) {
      const n = i + 1;
      const mix = p.step(`mix-${n}`, 'mix', { phase: phase.name, total: params.perPhase, seed: params.seed + n }, { manifest: manifest.out('manifest') });
      const split = p.step(`split-${n}`, 'split', { ratios: [0.9, 0.05, 0.05], fields: ['instruction', 'output'], stratifyBy: 'metadata.bucket', seed: params.seed }, { records: mix.out('records') });
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
    const promotion = p.step('promote', 'promote', { phase: PHASES[PHASES.length - 1].name, rules: [{ rule: 'better', metric: 'test.rouge_l' }] }, { evals });
    p.step('report', 'report', { title: 'reasoning-curriculum' }, { evals, curves, reports: [final.out('report'), promotion.out('decision')] });
  },
});
