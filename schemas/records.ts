import { z } from 'zod';

/**
 * Record formats that curation reads and writes. zod is the source; `npm run schemas` publishes
 * them as JSON Schema. Input formats are loose (unknown extra fields are kept, e.g. seed 000's
 * `reasoning`); the canonical form adds `id`, `format` and `provenance`.
 */

const nonEmpty = z.string().trim().min(1);

/**
 * Seed 004's metadata block, plus the signals its quality formula reads (Forgeline's names for
 * "conversation turns", "user satisfaction", "action taken", ...). Every field is optional.
 */
export const recordMetadataSchema = z
  .looseObject({
    category: z.string().optional().describe('seed 004: advice|suggestion|coaching|diagnostic (any label is accepted)'),
    quality_score: z.number().min(0).max(10).optional().describe('seed 004: 0-10; 7.0 is the inclusion threshold'),
    relationship_stage: z.enum(['early', 'established', 'long_term']).optional(),
    complexity: z.number().int().min(1).max(5).optional(),
    created_at: z.string().optional().describe('ISO 8601 timestamp'),
    source: z.enum(['user_generated', 'synthetic', 'expert_curated']).optional(),
    conversation_turns: z.number().int().nonnegative().optional().describe('seed 004 engagement: turns >= 3 adds 1.0'),
    user_satisfaction: z.number().min(0).max(10).optional().describe('seed 004 engagement: satisfaction >= 8 adds 1.0'),
    action_taken: z.boolean().optional().describe('seed 004 outcome: adds 1.5'),
    positive_outcome: z.boolean().optional().describe('seed 004 outcome: adds 1.5'),
    coherence: z.number().min(0).max(1).optional().describe('seed 004 content: >= 0.8 adds 1.0'),
    empathy: z.number().min(0).max(1).optional().describe('seed 004 content: >= 0.7 adds 1.0'),
    underrepresented: z.boolean().optional().describe('seed 004 diversity: adds 1.0'),
    unique_context: z.boolean().optional().describe('seed 004 diversity: adds 1.0'),
  })
  .describe('seed 004 metadata block');

/** Seed 004 / seed 003 instruction form. */
export const instructionRecordSchema = z.looseObject({
  instruction: nonEmpty,
  input: z.string().default(''),
  output: nonEmpty,
  metadata: recordMetadataSchema.optional(),
});

export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export const chatMessageSchema = z.looseObject({ role: z.enum(CHAT_ROLES), content: nonEmpty });

/** Seed 003 chat form. */
export const chatRecordSchema = z.looseObject({
  messages: z.array(chatMessageSchema).min(1),
  metadata: recordMetadataSchema.optional(),
});

/** Seed 003 completion form. */
export const completionRecordSchema = z.looseObject({ text: nonEmpty, metadata: recordMetadataSchema.optional() });

/** Seed 001's DPO form: a task (or a plain prompt) with a chosen and a rejected answer. */
const preferenceFields = z.looseObject({
  task: nonEmpty.optional(),
  prompt: nonEmpty.optional(),
  input: z.union([nonEmpty, z.record(z.string(), z.unknown())]).optional(),
  chosen: nonEmpty,
  rejected: nonEmpty,
  metadata: recordMetadataSchema.optional(),
});
export const preferenceRecordSchema = preferenceFields.refine((r) => r.prompt !== undefined || r.input !== undefined, { message: 'needs a prompt or an input', path: ['prompt'] });

/** Seed 001's task-family form: `{task, input: {...}, output}`. */
export const taskRecordSchema = z.looseObject({
  task: nonEmpty,
  input: z.record(z.string(), z.unknown()),
  output: nonEmpty,
  metadata: recordMetadataSchema.optional(),
});

export const RECORD_FORMATS = ['instruction', 'chat', 'completion', 'preference', 'task'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export const RECORD_SCHEMAS: Record<RecordFormat, z.ZodType> = {
  instruction: instructionRecordSchema,
  chat: chatRecordSchema,
  completion: completionRecordSchema,
  preference: preferenceRecordSchema,
  task: taskRecordSchema,
};

export const provenanceSchema = z.object({
  source: z.string().describe('file name the record came from'),
  line: z.number().int().positive().describe('1-based line (JSON array: line where the element starts; Parquet: row number)'),
});

const canonical = <T extends z.ZodObject>(format: RecordFormat, schema: T) =>
  schema.extend({
    id: z.string().regex(/^[0-9a-f]{16}$/).describe('content hash (sha256 of the canonical JSON, without id and provenance), first 16 hex'),
    format: z.literal(format),
    provenance: provenanceSchema,
  });

/** A record after `validate`: one of the formats, with its id, format tag and provenance. */
export const curatedRecordSchema = z.discriminatedUnion('format', [
  canonical('instruction', instructionRecordSchema),
  canonical('chat', chatRecordSchema),
  canonical('completion', completionRecordSchema),
  canonical('preference', preferenceFields),
  canonical('task', taskRecordSchema),
]);

/** A line that `validate` set aside. */
export const validateRejectSchema = z.object({
  line: z.number().int().positive(),
  source: z.string(),
  reason: z.string().describe('stable reason code (docs/stages/validate.md)'),
  detail: z.string(),
  raw: z.string().describe('the line as read, truncated'),
});

export type RecordMetadata = z.output<typeof recordMetadataSchema>;
export type Provenance = z.output<typeof provenanceSchema>;
export interface CuratedRecord {
  id: string;
  format: RecordFormat;
  provenance: Provenance;
  metadata?: RecordMetadata;
  [field: string]: unknown;
}
