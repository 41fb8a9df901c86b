import { z } from 'zod';
import { artifactRefSchema } from './plan.js';

/**
 * A bucket manifest (seed 002's `dataset_manifest.json`): the buckets a training mix draws from,
 * each with its source, a description, a default weight and its record count.
 */
export const bucketSourceSchema = z.union([
  z.object({ file: z.string().min(1).describe('JSONL file; a relative path is relative to the manifest file') }).strict(),
  z.object({ artifact: artifactRefSchema.describe('a records artifact in the store') }).strict(),
]);

export const bucketSchema = z
  .object({
    name: z.string().min(1),
    source: bucketSourceSchema,
    where: z
      .object({ field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()]) })
      .strict()
      .optional()
      .describe('take only the records whose field (dotted path) equals this value (manifests built by analyze)'),
    description: z.string().default(''),
    weight: z.number().min(0).default(0).describe('share in a mix when no phase or custom weights are given'),
    count: z.number().int().nonnegative().optional().describe('records in the bucket when the manifest was written'),
  })
  .strict();

export const manifestSchema = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().optional(),
    buckets: z.array(bucketSchema).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.buckets.forEach((b, i) => {
      if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: ['buckets', i, 'name'], message: `bucket "${b.name}" is listed twice` });
      seen.add(b.name);
    });
  });

export type Manifest = z.output<typeof manifestSchema>;
export type Bucket = z.output<typeof bucketSchema>;
