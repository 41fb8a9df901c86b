import type { PromptTemplate } from '../../types.js';

/** Seed 000's Cypher coverage (version v1): one natural-language request and its Cypher query. */
export const CYPHER_V1: PromptTemplate = {
  id: 'cypher',
  version: 'v1',
  system:
    'You generate training data that teaches a model to translate natural language into Neo4j Cypher. Reply with exactly one JSON object matching the reply schema. ' +
    'Queries are syntactically valid Cypher in a consistent style: upper-case keywords, single-quoted strings, one space between clauses.',
  user:
    'Category: {{variant}} ({{categoryHint}}). Example {{slot}}; use labels like {{labels}}.\n' +
    'Reply fields: "input" (the request in plain English), "output" (the Cypher query).',
};
