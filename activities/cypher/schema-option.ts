import { z } from 'zod';
import type { CypherSchema } from './explain.js';

/**
 * The `schema` option of the Cypher checks that run EXPLAIN (score's gate, evaluation's
 * cypher_valid): the labels, relationship types and property keys the queries may use, or
 * `database` for the live database's own. A name outside it makes the query invalid.
 */
export const cypherSchemaOption: z.ZodType<CypherSchema> = z.union([
  z.literal('database'),
  z
    .object({
      labels: z.array(z.string().min(1)).optional(),
      relationshipTypes: z.array(z.string().min(1)).optional(),
      propertyKeys: z.array(z.string().min(1)).optional(),
    })
    .strict(),
]);
