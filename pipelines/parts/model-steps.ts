import { z } from 'zod';
import type { PipelineBuilder, StepHandle, StepOptions } from '../../core/dsl/pipeline.js';
import type { OutputRef } from '../../core/workflow-safe/plan.js';
import { QUANT_TYPES } from '../../native/quant-types.js';

/** Params every training pipeline shares: where the base model comes from and how hard to train. */
export const trainingParams = {
  baseModel: z
    .string()
    .optional()
    .describe('base model GGUF file; unset: FORGELINE_BASE_MODEL, else the embedded SmolLM2-135M-Instruct (fetched once into .cache/models); "tiny": a tiny random llama for tests'),
  backend: z
    .enum(['hf', 'llamacpp'])
    .default('hf')
    .describe('trainer: hf (LoRA through transformers + peft on the dequantized GGUF; trains the real base, DPO pairs included) or llamacpp (llama.cpp\'s own training; F32 models of at most 7 layers, docs/training.md)'),
  device: z.enum(['cuda', 'metal', 'auto', 'cpu']).default('auto').describe('where training, quantization and evaluation run'),
  epochs: z.number().int().positive().default(1),
  learningRate: z.number().positive().optional().describe('default per backend: hf 1e-3 (LoRA on a small model, docs/training.md), llamacpp 1e-3'),
  contextSize: z.number().int().min(32).default(256),
  gradientAccumulation: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('hf: batches summed into one optimizer step; unset: 8 (seed 003, line 55). A few hundred examples on CPU learn more from 1: 8 leaves them a handful of steps'),
  quantize: z.array(z.enum(QUANT_TYPES)).min(1).default(['Q8_0']).describe('GGUF files to export; the first is the one evaluated and promoted'),
  evalLimit: z.number().int().positive().default(60).describe('held-out test examples to score (at least 50 for an interval that can tell)'),
  seed: z.number().int().nonnegative().default(7),
  threads: z.number().int().nonnegative().default(0).describe('CPU threads for llama.cpp work (0: llama.cpp decides); 1 avoids thrashing when jobs share few cores'),
};

type TrainingParams = z.output<z.ZodObject<typeof trainingParams>>;

/** Learning rates measured per backend (docs/training.md): LoRA on SmolLM2-135M learns a format at 1e-3 in one short epoch. */
export const DEFAULT_LEARNING_RATE = { hf: 1e-3, llamacpp: 1e-3 } as const;

/** The base model step: the user's GGUF, the embedded default (no path), or a tiny random llama model (`tiny`, tests). */
export function baseModel(p: PipelineBuilder, path: string | undefined, seed: number): StepHandle {
  if (path === 'tiny') return p.step('base-model', 'tiny-model', { seed });
  return p.step('base-model', 'load-model', path ? { path } : {});
}

/** A test-split metric that `evaluate` knows, as its options declare them. */
type EvalMetric = NonNullable<NonNullable<StepOptions<'evaluate'>['test']>['metrics']>[number];

export interface TrainingTail {
  /** Phase name (stored in the GGUF, groups the evaluation) and the model's registry name. */
  phase: string;
  name: string;
  /** The model evaluated against, and trained from unless `from` says otherwise. */
  base: StepHandle;
  /** The model training starts from: a curriculum's previous phase. */
  from?: StepHandle;
  data: OutputRef;
  valid?: OutputRef;
  test: OutputRef;
  /** Test-split metrics (perplexity is always added). */
  metrics: readonly EvalMetric[];
  /** The metric the gate judges (`test.exact_match`, `test.accuracy`, ...). */
  primary: string;
  maxTokens: number;
  /** More evaluate `test` options (labels, fewShot) and inputs (fewshot). */
  evalTest?: Record<string, unknown>;
  evalInputs?: Record<string, OutputRef>;
  /** The gate's rules when the primary metric's default rule (better than base) is not enough; the first judges `primary`. */
  rules?: StepOptions<'promote'>['rules'];
  /** Extra train options (trainTensors, hf settings). */
  train?: Record<string, unknown>;
  /** Step ids get this suffix (a curriculum trains several phases). */
  suffix?: string;
}

/**
 * The end every training pipeline shares: train (prompts in the base model's own chat template),
 * quantize, evaluate base vs tuned on the held-out test split (with the train/test contamination
 * check), the quantization parity check, and a promotion gate that promotes only a model better than
 * its base on the primary metric with a paired 95% interval that excludes zero (the `better` rule).
 */
export function trainEvaluatePromote(p: PipelineBuilder, params: TrainingParams, t: TrainingTail) {
  const id = (s: string): string => (t.suffix ? `${s}-${t.suffix}` : s);
  const trained = p.step(
    id('train'),
    'train',
    {
      backend: params.backend,
      prompt: 'chat-template',
      phase: t.phase,
      epochs: params.epochs,
      learningRate: params.learningRate ?? DEFAULT_LEARNING_RATE[params.backend],
      contextSize: params.contextSize,
      threads: params.threads,
      name: t.name,
      ...t.train,
      ...(params.gradientAccumulation ? { hf: { ...(t.train?.hf as object | undefined), gradientAccumulation: params.gradientAccumulation } } : {}),
    },
    { model: (t.from ?? t.base).out('model'), data: t.data, ...(t.valid ? { valid: t.valid } : {}) },
  );
  const quantized = params.quantize.map((type) =>
    p.step(id(`quantize-${type.toLowerCase()}`), 'quantize', { type, name: t.name, threads: params.threads }, { model: trained.out('model') }),
  );
  const evaluation = p.step(
    id('evaluate'),
    'evaluate',
    {
      phase: t.phase,
      engine: { threads: params.threads },
      test: { metrics: [...t.metrics, 'perplexity'], limit: params.evalLimit, maxTokens: t.maxTokens, prompt: 'chat-template', ...t.evalTest },
    },
    // `train`: the 13-gram contamination check between what trained and what is tested.
    { tuned: quantized[0]!.out('model'), base: t.base.out('model'), test: t.test, train: t.data, ...t.evalInputs },
  );
  // Each quantized file's test perplexity against the unquantized export's.
  const parity = p.step(
    id('parity'),
    'parity',
    { prompt: 'chat-template', limit: params.evalLimit, engine: { threads: params.threads } },
    { reference: trained.out('model'), quantized: quantized.map((q) => q.out('model')), test: t.test },
  );
  const promotion = p.step(
    id('promote'),
    'promote',
    { phase: t.phase, rules: t.rules ?? [{ rule: 'better', metric: t.primary }] },
    { evals: [evaluation.out('report')] },
  );
  return { trained, quantized, evaluation, parity, promotion };
}
