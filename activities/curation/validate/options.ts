import { z } from 'zod';
import { RECORD_FORMATS } from '../../../schemas/records.js';
import { INPUT_FORMATS } from '../formats/index.js';
import { piiOptionsSchema } from '../pii/options.js';

export const validateOptionsSchema = z
  .object({
    path: z.string().min(1).optional().describe('file to read when the step has no `records` input (pipelines)'),
    inputFormat: z.enum(INPUT_FORMATS).default('auto').describe('jsonl, json (array) or parquet; auto sniffs the content'),
    format: z.enum(['auto', ...RECORD_FORMATS]).default('auto').describe('record format every record must have; auto detects it per record'),
    maxRecordBytes: z.number().int().positive().default(1_048_576).describe('records over this many bytes are rejected (too_large)'),
    rawMaxChars: z.number().int().positive().default(500).describe('how much of a bad line the rejects row keeps'),
    threads: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
    scrub: piiOptionsSchema
      .optional()
      .describe('pii options: scrub each record (and each rejected line) before anything is written, so that raw PII never reaches the store (seed 004: "All PII must be removed before storage")'),
  })
  .strict();

export type ValidateOptions = z.output<typeof validateOptionsSchema>;
