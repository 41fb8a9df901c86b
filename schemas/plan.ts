import { z } from 'zod';
import { ARTIFACT_KINDS } from '../core/artifacts/ref.js';

/** The kinds whose shards are not independent and that run a fan-out of their own (workflows/sharded-<name>.ts). */
export const SHARD_FAN_OUTS = ['dedup', 'split', 'mix'] as const;

/** A reference to another step's output: the edges of the DAG. */
export const outputRefSchema = z.object({ step: z.string(), output: z.string() }).strict();

export const artifactRefSchema = z
  .object({
    uri: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().nonnegative(),
    kind: z.enum(ARTIFACT_KINDS),
    schema: z.string(),
    records: z.number().int().nonnegative().optional(),
  })
  .strict();

/** The compiled plan: what `compilePlan` returns and the workflow executes (core/workflow-safe/plan.ts reads its types off this). */
export const planSchema = z
  .object({
    pipeline: z.string(),
    params: z.unknown(),
    device: z.enum(['cuda', 'metal', 'auto', 'cpu']),
    notes: z.array(z.string()),
    steps: z.array(
      z
        .object({
          id: z.string(),
          kind: z.string(),
          options: z.unknown(),
          inputs: z.record(z.string(), z.union([outputRefSchema, z.array(outputRefSchema)])),
          profile: z.enum(['cpu', 'gpu']),
          activity: z
            .object({
              taskQueue: z.string(),
              startToCloseMs: z.number(),
              heartbeatMs: z.number(),
              retry: z
                .object({
                  maximumAttempts: z.number(),
                  initialIntervalMs: z.number(),
                  backoffCoefficient: z.number(),
                  maximumIntervalMs: z.number(),
                })
                .strict(),
            })
            .strict(),
          sharded: z.object({ input: z.string(), outputs: z.array(z.string()), fanOut: z.enum(SHARD_FAN_OUTS).optional() }).strict().optional(),
        })
        .strict(),
    ),
  })
  .strict();
