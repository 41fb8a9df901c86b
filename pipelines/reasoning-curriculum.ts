import { z } from 'zod';
import { definePipeline } from '../core/dsl/pipeline.js';
import type { StepHandle } from '../core/dsl/pipeline.js';
import { PHASE_PRESETS } from '../activities/mix/presets.js';
import { baseModel, trainEvaluatePromote, trainingParams } from './parts/model-steps.js';
import { SEED_001_004_RATIOS } from './parts/split-ratios.js';

/**
 * Seed 002's curriculum: a bucket manifest and four phases, each a weighted mix with the seed's
 * preset weights, size and epochs (activities/mix/presets.ts: "Phase 1: Calibration (10K examples,
 * 2 epochs)", line 250; "Phase 2: Reasoning-Heavy (200K examples, 1 epoch)", line 274; "Phase 3:
 * Creative & Style (100K examples, 1 epoch)", line 298; "Phase 4: Robustness & Safety (50K
 * examples, 1 epoch)", line 321), each phase starting from the previous phase's model and evaluated
 * against the base. `scale` shrinks every phase alike for small runs, keeping the seed's 1:20:10:5
 * proportions down to the `minPerPhase` floor. The robustness phase carries the red-team bucket, so
 * a person approves its mix before it trains.
 *
 * The phases share buckets (instruction is in all four), so the test split is held out once, before
 * any phase mixes: every bucket's records are pooled, split 90/5/5 as seeds 001 and 004 split (seed
 * 002 names no split), and the phases mix from the training part only. Split per phase, a record
 * tested after phase 4 could have been trained on in phase 2. Every phase is scored on that one test
 * split, so the phases' reports compare. A bucket source may be a plain path, as seed 002's
 * `--source` writes it.
 */
const PHASES = ['phase1_calibration', 'phase2_reasoning', 'phase3_creative', 'phase4_robustness'] as const;

/** Every bucket some phase weights: the pool the held-out split is taken from. */
const PHASE_BUCKETS = Object.fromEntries([...new Set(PHASES.flatMap((ph) => Object.keys(PHASE_PRESETS[ph].weights)))].map((b) => [b, 1]));

/** A phase's mix size: the seed's size times `scale`, at least `min` records. */
function phaseSize(phase: (typeof PHASES)[number], scale: number, min: number): number {
  return Math.max(min, Math.round(PHASE_PRESETS[phase].defaultTotal * scale));
}

export default definePipeline({
  name: 'reasoning-curriculum',
  description: 'Seed 002: bucket manifest -> one held-out 90/5/5 split of every bucket -> four phase mixes of the training part at the seed\'s sizes (10K/200K/100K/50K, x scale) -> phased training (red-team approval before phase 4), each phase evaluated and gated against the base',
  // The manifest's bucket files are imported as they are, unscrubbed: curated bucket data.
  storesRaw: true,
  params: z.object({
    manifest: z.string().default('data/reasoning-curriculum/manifest.json').describe('bucket manifest (schemas/json/manifest.schema.json)'),
    scale: z.number().positive().default(1).describe('factor on seed 002\'s phase sizes (10K, 200K, 100K, 50K examples) for small runs: 0.01 mixes 100, 2,000, 1,000 and 500'),
    minPerPhase: z.number().int().positive().default(1).describe('floor on a scaled phase size'),
    approvalTimeout: z.string().default('7d').describe('how long the red-team review may take'),
    onApprovalTimeout: z.enum(['approve', 'reject']).default('reject'),
    ...trainingParams,
  }),
  build(p, params) {
    p.device(params.device);
    const manifest = p.step('manifest', 'load-manifest', { path: params.manifest });
    const pool = p.step('pool', 'mix', { weights: PHASE_BUCKETS, total: 'all', tagField: 'bucket', seed: params.seed }, { manifest: manifest.out('manifest') });
    const split = p.step('split', 'split', { ratios: SEED_001_004_RATIOS, fields: ['instruction', 'output'], stratifyBy: 'bucket', seed: params.seed }, { records: pool.out('records') });
    const training = p.step('train-buckets', 'analyze', { field: 'bucket', name: 'reasoning-curriculum training part' }, { records: split.out('train') });
    const base = baseModel(p, params.baseModel, params.seed);
    let model: StepHandle = base;
    const evals: ReturnType<StepHandle['out']>[] = [];
    const curves: ReturnType<StepHandle['out']>[] = [];
    const reports: ReturnType<StepHandle['out']>[] = [split.out('report')];
    for (const [i, name] of PHASES.entries()) {
      const n = i + 1;
      const mix = p.step(`mix-${n}`, 'mix', { phase: name, total: phaseSize(name, params.scale, params.minPerPhase), seed: params.seed + n }, { manifest: training.out('manifest') });
      let data = mix.out('records');
      if (name === 'phase4_robustness') {
        const review = p.step('red-team-review', 'approval', { prompt: 'Review the red-team examples of the robustness mix before phase 4 trains on them', timeout: params.approvalTimeout, onTimeout: params.onApprovalTimeout }, { records: data });
        data = review.out('records');
      }
      const phase = trainEvaluatePromote(p, params, {
        phase: name,
        name: `reasoning-${name}`,
        base,
        from: model,
        data,
        valid: split.out('valid'),
        test: split.out('test'),
        metrics: ['exact_match', 'rouge_l'],
        primary: 'test.rouge_l',
        maxTokens: 48,
        train: { epochs: PHASE_PRESETS[name].epochs },
        suffix: String(n),
      });
      evals.push(phase.evaluation.out('report'));
      curves.push(phase.trained.out('progress'));
      reports.push(mix.out('report'), phase.quantized[0]!.out('report'), phase.parity.out('report'), phase.promotion.out('decision'));
      model = phase.trained;
    }
    p.step('report', 'report', { title: 'reasoning-curriculum' }, { evals, curves, reports });
  },
});
