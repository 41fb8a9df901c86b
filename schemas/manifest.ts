import { z } from 'zod';
import { artifactRefSchema } from './plan.js';

/**
 * A bucket manifest (seed 002's `dataset_manifest.json`): the buckets a training mix draws from,
 * each with its source, a description, a default weight and its record count.
 */

/** What a bucket source may be, for the error that names none of the forms matched. */
const SOURCE_FORMS = 'a path string (seed 002: "examples/datasets/creative_writing.jsonl"), {"file": "<path>"} or {"artifact": <artifact ref>}';

/** The JSON type of a value, as an error names it. */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object with keys ${JSON.stringify(Object.keys(v))}`;
  return typeof v === 'string' && v.length === 0 ? 'an empty string' : `a ${typeof v}`;
}

/**
 * zod's union error is a bare "Invalid input". A source with a `file` or `artifact` key meant that
 * form: its own first problem is named; anything else is told the forms a source may take.
 */
function sourceError(issue: { code?: string; input?: unknown; errors?: { path: PropertyKey[]; message: string }[][] }): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const v = issue.input;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const form = 'file' in v ? 1 : 'artifact' in v ? 2 : -1;
    const first = form > 0 ? issue.errors?.[form]?.[0] : undefined;
    if (first) return `a {"${form === 1 ? 'file' : 'artifact'}": ...} source: ${first.path.map(String).join('.') || '(root)'}: ${first.message}`;
  }
  return `expected a bucket source: ${SOURCE_FORMS}; got ${jsonType(v)}`;
}

export const bucketSourceSchema = z.union(
  [
    // Seed 002 names a bucket's source as a plain path (`--source examples/datasets/red_team_safe.jsonl`).
    z.string().min(1).transform((file) => ({ file })).describe('JSONL file (seed 002\'s form); a relative path is relative to the manifest file'),
    z.object({ file: z.string().min(1).describe('JSONL file; a relative path is relative to the manifest file') }).strict(),
    z.object({ artifact: artifactRefSchema.describe('a records artifact in the store') }).strict(),
  ],
  { error: sourceError },
);

export const bucketSchema = z
  .object({
    name: z.string().min(1),
    source: bucketSourceSchema,
    where: z
      .object({ field: z.string().min(1), equals: z.union([z.string(), z.number(), z.boolean()], { error: (i) => (i.code === 'invalid_union' ? `expected a string, a number or a boolean; got ${jsonType(i.input)}` : undefined) }) })
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
