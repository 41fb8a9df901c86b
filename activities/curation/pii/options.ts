import { z } from 'zod';
import { PII_TYPES } from './types.js';

export const PII_OPERATORS = ['replace', 'mask', 'hash', 'pseudonym', 'encrypt', 'drop'] as const;
export type PiiOperator = (typeof PII_OPERATORS)[number];

const fieldRule = z
  .object({
    skip: z.boolean().default(false).describe('leave this field alone (e.g. the Cypher `output` of text-to-Cypher data)'),
    types: z.array(z.enum(PII_TYPES)).optional().describe('only these types in this field'),
    operator: z.enum(PII_OPERATORS).optional(),
  })
  .strict();

const nerOptions = z
  .object({
    model: z.string().min(1).describe('ONNX token classifier (a BERT-style NER export); its folder holds vocab.txt and config.json'),
    vocab: z.string().min(1).optional().describe('WordPiece vocab.txt (default: beside the model)'),
    config: z.string().min(1).optional().describe('Hugging Face config.json with id2label (default: beside the model)'),
    labels: z.array(z.string()).min(2).optional().describe('labels by output index, instead of config.json'),
    lowercase: z.boolean().optional().describe("uncased vocabulary (default: tokenizer_config.json's do_lower_case)"),
    entities: z.array(z.string().min(1)).min(1).default(['PER', 'PERSON']).describe('entity types that are people'),
    minScore: z.number().min(0).max(1).default(0.5).describe('mean probability a person span needs'),
    maxTokens: z.number().int().min(8).default(512).describe("the model's sequence limit (BERT: 512)"),
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
    ner: nerOptions.optional().describe('optional model-based person detector (onnxruntime-node), on top of the pattern and dictionary one'),
    protectCypher: z.boolean().default(true).describe('person, address and phone detectors skip Cypher statements'),
    threads: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  })
  .strict();

export type PiiOptions = z.output<typeof piiOptionsSchema>;
