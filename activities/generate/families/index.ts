import type { CypherChecker } from '../checks/cypher.js';
import type { Family } from '../types.js';
import { tlpFamily, textClassification } from './classify.js';
import { codeGeneration, selfInstruct } from './code.js';
import { cypherFamily } from './cypher.js';
import { JSON_FAMILIES } from './json.js';

export function allFamilies(cypher?: CypherChecker): Map<string, Family> {
  const list: Family[] = [...JSON_FAMILIES, cypherFamily(cypher), tlpFamily, textClassification, codeGeneration, selfInstruct];
  return new Map(list.map((f) => [f.name, f]));
}

/** Family weights that the seeds give, by preset name. */
export const PRESETS: Record<string, Record<string, number>> = {
  /** Seed 001: schema_generate 40%, json_repair 20%, text_to_json 20%, json_transform 10%, json_style_strict 10%. */
  'json-expert': { schema_generate: 40, json_repair: 20, text_to_json: 20, json_transform: 10, json_style_strict: 10 },
  /** Seed 000: Cypher coverage (the categories are the family's variants). */
  cypher: { cypher: 1 },
  /** Seed 000: TLP classification (levels are the family's variants). */
  tlp: { tlp: 1 },
  'text-classification': { text_classification: 1 },
  code: { code_generation: 1 },
  'self-instruct': { self_instruct: 1 },
};
