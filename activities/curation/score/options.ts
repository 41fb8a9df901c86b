import { z } from 'zod';
import { cypherSchemaOption } from '../../cypher/schema-option.js';

/** Seed 001's JSON task families: their output (or chosen answer) must be JSON. */
export const JSON_TASKS = ['schema_generate', 'json_repair', 'text_to_json', 'json_transform', 'json_style_strict'];
/** Seed 000's TLP classification labels. */
export const TLP_LABELS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];

const labelRule = z
  .object({
    task: z.string().optional().describe('applies to records with this task'),
    category: z.string().optional().describe('applies to records with this metadata.category'),
    instructionPattern: z.string().optional().describe('applies when the prompt matches this regex (case-insensitive)'),
    allowed: z.array(z.string()).min(1),
  })
  .strict();

export const scoreOptionsSchema = z
  .object({
    threshold: z.number().min(0).max(10).default(7.0).describe('seed 004: minimum score for inclusion'),
    weights: z
      .object({
        seed004: z.number().nonnegative().default(1),
        heuristics: z.number().nonnegative().default(1),
        classifier: z.number().nonnegative().default(1),
        judge: z.number().nonnegative().default(1),
      })
      .strict()
      .default({ seed004: 1, heuristics: 1, classifier: 1, judge: 1 })
      .describe('weights of the components in the computed score (only applicable components count); a given metadata.quality_score is never part of it'),
    heuristics: z
      .object({
        // Gopher drops a document that fails any one filter. Here the heuristics are one component of a
        // weighted mean, so one failed check must take that component under the default threshold (7)
        // on its own (10 - 4 = 6); other components (seed 004's signals, a judge) can still outweigh it.
        penaltyPerFailedCheck: z.number().nonnegative().default(4.0).describe('heuristics component = 10 - penalty x failed checks (one failed check: 6, under the default threshold)'),
        minResponseChars: z.number().int().nonnegative().default(10).describe('seed 000: "outputs seem too short" under 10 chars'),
        maxResponseWords: z.number().int().positive().default(100_000).describe('Gopher: at most 100,000 words'),
        minWordsForProseChecks: z.number().int().nonnegative().default(20).describe('word-level Gopher checks only on texts this long (SFT answers are short)'),
        meanWordLength: z.tuple([z.number(), z.number()]).default([3, 10]).describe('Gopher: mean word length in [3, 10]'),
        maxSymbolToWordRatio: z.number().default(0.1).describe('Gopher: # and ellipsis per word <= 0.1'),
        maxBulletLineFraction: z.number().default(0.9).describe('Gopher: <= 90% of lines start with a bullet'),
        maxEllipsisLineFraction: z.number().default(0.3).describe('Gopher: <= 30% of lines end with an ellipsis'),
        minAlphaWordFraction: z.number().default(0.8).describe('Gopher: >= 80% of words contain a letter'),
        minStopWords: z.number().int().default(2).describe('Gopher: >= 2 of the, be, to, of, and, that, have, with'),
        maxDupLineFraction: z.number().default(0.3).describe('Gopher table A1'),
        maxDupParagraphFraction: z.number().default(0.3),
        maxDupLineCharFraction: z.number().default(0.2),
        maxDupParagraphCharFraction: z.number().default(0.2),
        maxTopNgramCharFraction: z.record(z.string(), z.number()).default({ 2: 0.2, 3: 0.18, 4: 0.16 }).describe('Gopher table A1'),
        maxDupNgramCharFraction: z.record(z.string(), z.number()).default({ 5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.1 }),
        boilerplate: z
          .array(z.string())
          .default(['lorem ipsum', 'javascript must be enabled', 'enable javascript', 'terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'as an ai language model', 'as a large language model', 'i cannot fulfill that request'])
          .describe('C4 (Raffel et al. 2020, sec. 2.2) page boilerplate plus common SFT refusal boilerplate'),
      })
      .strict()
      .prefault({}),
    json: z
      .object({
        tasks: z.array(z.string()).default(JSON_TASKS).describe('seed 001 families whose output must parse as JSON'),
        respondOnlyWithJson: z.boolean().default(true).describe('also check records whose prompt says "Respond only with JSON" (seed 001 prompts)'),
        schemaTask: z.string().default('schema_generate').describe('task whose output must match input.schema (ajv)'),
        styleTask: z.string().default('json_style_strict').describe('task whose output must be minified with sorted keys'),
      })
      .strict()
      .prefault({}),
    cypher: z
      .object({
        enabled: z.boolean().default(true),
        all: z.boolean().default(false).describe("every record's answer is a Cypher query (a Cypher-only pipeline such as cypher-expert), whatever its task or category"),
        tasks: z.array(z.string()).default(['text_to_cypher', 'cypher']),
        categories: z.array(z.string()).default(['cypher', 'text_to_cypher']).describe('categories whose answer is Cypher, matched against the record\'s top-level `category` (what generate writes) or else `metadata.category`'),
        // Seed 000's validate_cypher is EXPLAIN on a live database: it runs whenever a Neo4j is
        // configured, and the offline parser stands in where none is (`auto`).
        explain: z
          .union([z.boolean(), z.literal('auto')])
          .default('auto')
          .describe('EXPLAIN each query that parses on the Neo4j of NEO4J_URI (planned, never run); rejects cypher_explain, warnings counted by code. auto: when NEO4J_URI is set, else the offline parser alone; true: fail without a Neo4j'),
        schema: cypherSchemaOption.optional().describe('with explain: true, the labels, relationship types and property keys queries may use ("database": its own)'),
      })
      .strict()
      .refine((c) => c.schema === undefined || c.explain === true, { message: 'cypher.schema is checked by EXPLAIN: set cypher.explain to true', path: ['schema'] })
      .prefault({})
      .describe('check the response parses with Neo4j\'s Cypher parser (@neo4j-cypher/language-support), and optionally by EXPLAIN on a live Neo4j'),
    labels: z.array(labelRule).default([{ instructionPattern: '^\\s*classify\\b.*\\bTLP\\b', allowed: TLP_LABELS }]).describe('seed 000: TLP classification'),
    classifier: z
      .object({
        model: z.string().min(1).describe('path of an ONNX model: float32[batch, dim] hashed features in, P(good) out'),
        dim: z.number().int().positive().optional().describe('feature size; read from the model input shape when fixed'),
        input: z.string().optional().describe('input name (default: the first)'),
        output: z.string().optional().describe('output name (default: the first)'),
        positiveIndex: z.number().int().nonnegative().default(1).describe('column of P(good) when the output has 2+ columns'),
      })
      .strict()
      .optional(),
    judge: z
      .object({
        provider: z.string().optional().describe('"local" (built in: a GGUF model, by default the embedded base model) or a judge registered with registerJudge()'),
        module: z.string().optional().describe('path of an ES module whose default export is a JudgeFactory'),
        options: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .refine((j) => Boolean(j.provider) !== Boolean(j.module), { message: 'give exactly one of provider or module' })
      .optional(),
    threads: z.union([z.number().int().positive(), z.literal('auto')]).default('auto'),
  })
  .strict();

export type ScoreOptions = z.output<typeof scoreOptionsSchema>;
