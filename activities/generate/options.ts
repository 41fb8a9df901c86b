import { z } from 'zod';

const price = z.object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() }).strict();

/** Options of the `generate` step. Defaults and where they come from are listed in docs/generation.md. */
export const generateOptions = z
  .object({
    provider: z.enum(['template', 'anthropic', 'local']).default('template').describe('who writes the examples'),
    count: z.number().int().positive().describe('examples to plan (kept + rejected + unfinished = count)'),
    seed: z.number().int().default(0).describe('the plan, the template generators and the prompt variables follow it'),
    preset: z.enum(['json-expert', 'cypher', 'tlp', 'text-classification', 'code', 'self-instruct']).default('json-expert').describe('family weights from the seeds'),
    families: z.record(z.string(), z.number().nonnegative()).optional().describe('family -> weight; replaces the preset'),
    variants: z.record(z.string(), z.record(z.string(), z.number().nonnegative())).default({}).describe('family -> variant -> weight; overrides a family default'),
    labels: z.array(z.string().min(1)).min(2).optional().describe('label set of text_classification (balanced)'),
    cypherParser: z.enum(['builtin', 'neo4j']).default('builtin').describe("Cypher check: the built-in syntax checker, or Neo4j's parser (exact, slower)"),
    maxAttempts: z.number().int().min(1).max(10).default(3).describe('tries per example before it is rejected'),
    maxTokens: z.number().int().positive().default(1024).describe('reply token limit per request'),
    includeMeta: z.boolean().default(true).describe('add id and meta {family, variant, provider, model, prompt} to each example'),
    novelty: z
      .object({
        threshold: z.number().gt(0).lte(1).default(0.7).describe('ROUGE-L at or above this to the pool rejects (Self-Instruct, Wang et al. 2023)'),
        families: z.array(z.string()).default(['self_instruct']),
        seedsPerPrompt: z.number().int().positive().default(6).describe('seed tasks shown per self-instruct prompt'),
      })
      .strict()
      .default({ threshold: 0.7, families: ['self_instruct'], seedsPerPrompt: 6 }),
    budget: z
      .object({ maxUsd: z.number().nonnegative().optional(), maxRequests: z.number().int().nonnegative().optional() })
      .strict()
      .default({}),
    prices: z.record(z.string(), price).default({}).describe('model -> USD per million tokens, over the built-in table'),
    anthropic: z
      .object({
        model: z.string().default('claude-haiku-4-5'),
        mode: z.enum(['auto', 'messages', 'batch']).default('auto'),
        batchThreshold: z.number().int().positive().default(500).describe('auto mode: batches from this many requests'),
        concurrency: z.number().int().positive().max(64).default(4),
        requestTimeoutMs: z.number().int().positive().default(120_000),
        maxHttpRetries: z.number().int().nonnegative().default(6),
        backoff: z
          .object({ initialMs: z.number().int().nonnegative().default(1000), maxMs: z.number().int().positive().default(60_000), multiplier: z.number().min(1).default(2) })
          .strict()
          .default({ initialMs: 1000, maxMs: 60_000, multiplier: 2 }),
        batchSize: z.number().int().positive().max(100_000).default(10_000),
        pollIntervalMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({
        model: 'claude-haiku-4-5',
        mode: 'auto',
        batchThreshold: 500,
        concurrency: 4,
        requestTimeoutMs: 120_000,
        maxHttpRetries: 6,
        backoff: { initialMs: 1000, maxMs: 60_000, multiplier: 2 },
        batchSize: 10_000,
        pollIntervalMs: 30_000,
      }),
    local: z
      .object({
        modelPath: z.string().min(1).optional().describe('GGUF file on the worker; default FORGELINE_BASE_MODEL, else the embedded SmolLM2-135M-Instruct (fetched once)'),
        gpu: z.enum(['auto', 'cpu']).default('auto'),
        sequences: z.number().int().positive().max(64).default(4).describe('parallel sequences batched in one context'),
        contextSize: z.number().int().positive().default(4096),
        temperature: z.number().min(0).max(2).default(0.8),
        threads: z.number().int().nonnegative().default(0).describe('0: one thread per CPU core (node-llama-cpp\'s cpuMathCores)'),
        maxStringChars: z.number().int().positive().default(2000).describe('grammar bound on every string of a reply'),
      })
      .strict()
      .optional()
      .describe('the local provider; `provider: "local"` alone runs the embedded base model with these defaults'),
  })
  .strict();

export type GenerateOptions = z.output<typeof generateOptions>;
