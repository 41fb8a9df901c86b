import { z } from 'zod';
import { defaultPython } from './backends/hf.js';

/**
 * The training hyperparameters, declared once. The `train` step's options include them, the
 * backends get them as `TrainHyper`, the llamacpp child as part of `LlamacppJob`, and
 * python/hf_train.py as the snake_case config that backends/hf.ts makes from them by one rename.
 */
export const hfOptions = z
  .object({
    method: z.enum(['lora', 'qlora', 'full']).default('lora'),
    // LoRA r=16, alpha=32 and q/k/v/o targets: seed 003's defaults.
    loraR: z.number().int().positive().default(16),
    loraAlpha: z.number().positive().default(32),
    loraDropout: z.number().min(0).max(1).default(0.05),
    targetModules: z.array(z.string()).default(['q_proj', 'k_proj', 'v_proj', 'o_proj']),
    batchSize: z.number().int().positive().default(4),
    gradientAccumulation: z.number().int().positive().default(8),
    /** Render with the base model's chat template (`tokenizer.apply_chat_template`) instead of seed 003's format. */
    useChatTemplate: z.boolean().default(false),
    /** `quantize`'s outtype for convert_hf_to_gguf.py. */
    ggufOuttype: z.enum(['f16', 'f32', 'bf16', 'q8_0']).default('f16'),
    /** DPO's beta for preference pairs: TRL DPOConfig's default. */
    dpoBeta: z.number().positive().default(0.1),
    /**
     * Weight of the chosen answers' NLL beside the DPO loss (TRL's `rpo_alpha`; 1.0 as Pang et al.
     * 2024 use it): it keeps DPO from widening its margin by making every answer unlikely.
     */
    rpoAlpha: z.number().nonnegative().default(1),
    /**
     * The learning rate of preference steps as a share of the instruction steps' rate: TRL's
     * DPOConfig defaults to 1e-6 where its SFTConfig defaults to 2e-5, a twentieth.
     */
    dpoLearningRateFactor: z.number().positive().max(1).default(0.05),
    /** The interpreter that runs the script; not a hyperparameter, so it is not sent to it. */
    python: z.string().default(() => defaultPython()),
  })
  .strict()
  .prefault({});

export const hyperOptions = z.object({
  epochs: z.number().int().positive().default(1),
  /** Defaults per backend (`resolveHyper`): llamacpp 1e-5 (llama.cpp finetune's lr0), hf 2e-4 (seed 003's LoRA rate). */
  learningRate: z.number().positive().optional(),
  minLearningRate: z.number().nonnegative().default(0),
  /** llama.cpp finetune keeps the rate constant; cosine and linear decay to minLearningRate. */
  schedule: z.enum(['constant', 'cosine', 'linear']).default('constant'),
  warmupSteps: z.number().int().nonnegative().default(0),
  weightDecay: z.number().nonnegative().default(0),
  optimizer: z.enum(['adamw', 'sgd']).default('adamw'),
  /** Tokens per training window (hf: the longest example); llama.cpp's context is 256 at least. */
  contextSize: z.number().int().min(32).default(256),
  checkpointEvery: z.number().int().nonnegative().default(50),
  /** Held-out fraction when no `valid` input is wired (llama.cpp finetune's val_split 0.05). */
  validFraction: z.number().min(0).max(0.5).default(0.05),
  /** llamacpp: regex on tensor names to train (`blk\.\d+\.ffn_`); unset trains every tensor llama.cpp allows. hf: ignored (LoRA targets instead). */
  trainTensors: z.string().optional(),
  seed: z.number().int().nonnegative().default(42),
  threads: z.number().int().nonnegative().default(0),
  hf: hfOptions,
});

export type HfOptions = z.output<typeof hfOptions>;
/** The hyperparameters a backend trains with: the options, with the learning rate resolved. */
export type TrainHyper = Omit<z.output<typeof hyperOptions>, 'learningRate'> & { learningRate: number };

const DEFAULT_LEARNING_RATE = { llamacpp: 1e-5, hf: 2e-4 } as const;

/** The hyperparameters among a step's options, with the backend's default learning rate. */
export function resolveHyper(options: z.output<typeof hyperOptions>, backend: keyof typeof DEFAULT_LEARNING_RATE): TrainHyper {
  const hyper = Object.fromEntries(Object.keys(hyperOptions.shape).flatMap((k) => {
    const v = options[k as keyof typeof options];
    return v === undefined ? [] : [[k, v]];
  })) as z.output<typeof hyperOptions>;
  return { ...hyper, learningRate: options.learningRate ?? DEFAULT_LEARNING_RATE[backend] };
}

