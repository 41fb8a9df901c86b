import type { PromptTemplate } from '../../types.js';

/**
 * Prompt templates for seed 001's JSON task families (version v1). Each asks for ONE example as a
 * JSON object matching the reply schema; the step builds the training record from it.
 * Editing a template changes the generate step's code version, so cached outputs are not reused.
 */
const SYSTEM =
  'You generate training data for a JSON expert model. Reply with exactly one JSON object that matches the given reply schema. ' +
  'Values that hold JSON documents are JSON text inside a string. Outputs are minified with keys sorted alphabetically. Be diverse and realistic; avoid generic "example" values.';

export const SCHEMA_GENERATE_V1: PromptTemplate = {
  id: 'schema_generate',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: schema_generate (example {{slot}}).\nWrite a JSON Schema for a {{schemaKind}} document, then one valid instance of it.\n' +
    'Vary optional fields (present/absent), enum values, array lengths (empty, 1, many) and nesting depth.\n' +
    'Reply fields: "schema" (the JSON Schema as minified JSON text), "output" (the instance: minified JSON text, keys sorted).',
};

export const JSON_REPAIR_SFT_V1: PromptTemplate = {
  id: 'json_repair_sft',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: json_repair (example {{slot}}, difficulty {{difficulty}}: {{errors}} error(s)).\nWrite a realistic {{domain}} JSON document, then break it with these error kinds: {{errorKinds}}.\n' +
    'Reply fields: "broken_json" (the broken text; it must NOT parse as JSON), "output" (the fixed document: minified JSON text, keys sorted).',
};

export const JSON_REPAIR_DPO_V1: PromptTemplate = {
  id: 'json_repair_dpo',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: json_repair preference pair (example {{slot}}, difficulty {{difficulty}}).\nWrite a realistic {{domain}} JSON document and break it with: {{errorKinds}}.\n' +
    'Reply fields: "broken_json" (must NOT parse), "chosen" (the correct fix: minified JSON, keys sorted), "rejected" ({{rejectedKind}}; it must differ from "chosen").',
};

export const TEXT_TO_JSON_V1: PromptTemplate = {
  id: 'text_to_json',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: text_to_json (example {{slot}}, domain {{domain}}).\nWrite a short natural-language text about {{domain}} data ({{variation}}) and the JSON extracted from it.\n' +
    'Reply fields: "fields" (the extraction spec, e.g. {name:string, age:int}), "text" (the text), "output" (minified JSON, keys sorted; missing facts as null).',
};

export const JSON_TRANSFORM_V1: PromptTemplate = {
  id: 'json_transform',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: json_transform (example {{slot}}, transformation: {{transform}}).\nWrite an input JSON object, a one-sentence rule of that transformation kind, and the transformed result.\n' +
    'Reply fields: "rules" (the rule), "json" (input JSON text), "output" (result: minified JSON, keys sorted).',
};

export const JSON_STYLE_STRICT_V1: PromptTemplate = {
  id: 'json_style_strict',
  version: 'v1',
  system: SYSTEM,
  user:
    'Task: json_style_strict (example {{slot}}, input style: {{style}}).\nWrite a messy but valid JSON document in that style and its normal form.\n' +
    'Reply fields: "json" (the messy JSON text), "output" (the same data minified with keys sorted alphabetically).',
};
