import { z } from 'zod';
import { cypherSchemaOption } from '../cypher/schema-option.js';
import { DEFAULT_NGRAM } from './contamination.js';
import { PREDICTION_METRIC_NAMES } from './metrics/prediction-metrics.js';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './stats/paired.js';

const path = z.string().min(1);
const limit = z.number().int().positive().optional();

/** The evaluate step's options; every default names its source. */
export const evaluateOptions = z
  .object({
    /** Which training phase this evaluation follows (the report groups by it). */
    phase: z.string().default('final'),
    test: z
      .object({
        metrics: z
          // Prediction metrics (metrics/prediction-metrics.ts), and two scored over the whole set.
          .array(z.enum([...PREDICTION_METRIC_NAMES, 'classification', 'perplexity']))
          .min(1)
          .default(['exact_match', 'rouge_l', 'perplexity']),
        /** `auto`: canonical JSON when the reference is JSON, else `basic` (metrics/text.ts). */
        normalise: z.enum(['auto', 'squad', 'basic', 'json', 'none']).default('auto'),
        /** Prompt template; default seed 003's `### Instruction / ### Input / ### Response` format, as training renders it. */
        template: z.string().optional(),
        /**
         * `chat-template`: prompts rendered with the tuned model's own chat template (GGUF
         * `tokenizer.chat_template`), as the train step's `prompt: 'chat-template'` renders them;
         * `instruction`: seed 003's format (or `template`).
         */
        prompt: z.enum(['instruction', 'chat-template']).default('instruction'),
        maxTokens: z.number().int().positive().default(128),
        /** Generation stops at the next section header or a blank line. */
        stop: z.array(z.string()).default(['\n###', '\n\n']),
        /** Label set for `classification` (default: the distinct references). */
        labels: z.array(z.string()).min(2).optional(),
        /** JSON Schema for `schema_valid` where a record carries none in `input.schema`. */
        schema: z.unknown().optional(),
        /** `cypher_valid` with a Neo4j (NEO4J_URI): the labels, types and keys queries may use, or `database`. */
        cypherSchema: cypherSchemaOption.optional(),
        /** Examples from the `fewshot` input put before each prompt (0, lm-eval's default). */
        fewShot: z.number().int().nonnegative().default(0),
        limit,
      })
      .strict()
      .optional(),
    benchmarks: z
      .object({
        // lm-eval's gsm8k.yaml: 5-shot, max_gen_toks 256 (generation_kwargs default).
        gsm8k: z.object({ path, fewshotPath: path.optional(), fewShot: z.number().int().nonnegative().default(5), limit, maxTokens: z.number().int().positive().default(256) }).strict().optional(),
        // lm-eval's hellaswag.yaml: 0-shot.
        hellaswag: z.object({ path, fewshotPath: path.optional(), fewShot: z.number().int().nonnegative().default(0), limit }).strict().optional(),
        // lm-eval's truthfulqa_mc1/mc2: 0-shot after the paper's fixed 6-question preamble.
        truthfulqa: z.object({ path, limit, tasks: z.array(z.enum(['mc1', 'mc2'])).min(1).default(['mc1', 'mc2']) }).strict().optional(),
        /** Any multiple-choice set in lm-eval's processed form `{query, choices, gold}`. */
        multipleChoice: z
          .array(z.object({ name: z.string().regex(/^[a-z0-9_]+$/), path, fewshotPath: path.optional(), fewShot: z.number().int().nonnegative().default(0), limit }).strict())
          .default([]),
        humaneval: z
          .object({
            path,
            limit,
            // lm-eval's humaneval.yaml: max_gen_toks 1024; smaller here since CPU runs are slow.
            maxTokens: z.number().int().positive().default(512),
            /** Generated code is executed: nothing runs unless this is true. */
            allowCodeExecution: z.boolean().default(false),
            timeoutMs: z.number().int().positive().default(3000),
            memoryMb: z.number().int().positive().default(512),
            python: z.string().default('python3'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ multipleChoice: [] }),
    engine: z
      .object({
        /** Parallel sequences in one llama.cpp context: the batch width of scoring and generation. */
        sequences: z.number().int().positive().max(64).default(8),
        contextSize: z.number().int().positive().default(2048),
        batchSize: z.number().int().positive().default(512),
        threads: z.number().int().nonnegative().default(0),
        gpu: z.enum(['auto', 'cpu']).default('auto'),
      })
      .strict()
      .default({ sequences: 8, contextSize: 2048, batchSize: 512, threads: 0, gpu: 'auto' }),
    /** With a `train` input: the n of the n-gram overlap check (contamination.ts; 13 as GPT-3 and lm-eval). */
    contamination: z
      .object({ n: z.number().int().min(1).max(50).default(DEFAULT_NGRAM) })
      .strict()
      .default({ n: DEFAULT_NGRAM }),
    /** The paired bootstrap behind non-0/1 metrics' intervals (stats/paired.ts). */
    paired: z
      .object({
        resamples: z.number().int().min(100).max(1_000_000).default(DEFAULT_RESAMPLES),
        seed: z.number().int().nonnegative().default(DEFAULT_SEED),
      })
      .strict()
      .default({ resamples: DEFAULT_RESAMPLES, seed: DEFAULT_SEED }),
  })
  .strict();

export type EvaluateOptions = z.output<typeof evaluateOptions>;
