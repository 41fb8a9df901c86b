import { z } from 'zod';
import { PII_TYPES } from './types.js';

export const PII_OPERATORS = ['replace', 'mask', 'hash', 'pseudonym', 'drop'] as const;
export type PiiOperator = (typeof PII_OPERATORS)[number];

const fieldRule = z
  .object({
    skip: z.boolean().default(false).describe('leave this field alone (e.g. the Cypher `output` of text-to-Cypher data)'),
    types: z.array(z.enum(PII_TYPES)).optional().describe('only these types in this field'),
    operator: z.enum(PII_OPERATORS).optional(),
  })
  .strict();

export const piiOptionsSchema = z
  .object({
    types: z.array(z.enum(PII_TYPES)).default([...PII_TYPES]).describe('detectors to run'),
    operator: z.enum(PII_OPERATORS).default('replace').describe('what to do with a finding'),
    operators: z.partialRecord(z.enum(PII_TYPES), z.enum(PII_OPERATORS)).default({}).describe('per-type operator'),
    fields: z.record(z.string(), fieldRule).default({}).describe('per-field rules, by top-level field name'),
    allow: z.array(z.string()).default([]).describe('values never touched (case-insensitive exact match)'),
    allowPatterns: z.array(z.string()).default([]).describe('regexes; a finding that matches one entirely is left alone'),
    salt: z.string().optional().describe('key for hash and pseudonym; default: $FORGELINE_PII_SALT, else a fixed project salt'),
    defaultCountry: z.string().length(2).default('US').describe('country for phone numbers written without +country code'),
    highEntropy: z.boolean().default(true).describe('also flag generic high-entropy tokens as secrets'),
    minEntropy: z.number().positive().default(4.5).describe("bits/char; detect-secrets' Base64HighEntropyString default"),
    personNames: z.array(z.string()).default([]).describe('extra given names for the dictionary'),
    protectCypher: z.boolean().default(true).describe('person, address and phone detectors skip Cypher statements'),
    threads: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  })
  .strict();

export type PiiOptions = z.output<typeof piiOptionsSchema>;
