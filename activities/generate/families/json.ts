import { jsonField, isProblem, tryParse, validateAgainst } from '../checks/json.js';
import { canonical } from '../rng.js';
import type { Example, Family, Problem } from '../types.js';
import { JSON_REPAIR_DPO_V1, JSON_REPAIR_SFT_V1, JSON_STYLE_STRICT_V1, JSON_TRANSFORM_V1, SCHEMA_GENERATE_V1, TEXT_TO_JSON_V1 } from './prompts/json-families.v1.js';
import { randomObject } from './vocab.js';
import { schemaCase, SCHEMA_TYPES } from './json-schemas.js';
import { DIFFICULTY, ERROR_KINDS, messyJson, repairCase, STYLES, TEXT_DOMAINS, TEXT_VARIATIONS, textToJsonCase, TRANSFORMS, transformCase } from './json-tasks.js';

/** Seed 001's JSON families. Records keep the seed's shape: {task, input: {instruction, ...}, output | chosen+rejected}. */

const str = { type: 'string' } as const;
const obj = (props: string[]) => ({ type: 'object', properties: Object.fromEntries(props.map((p) => [p, str])), required: props, additionalProperties: false });

/** Outputs are normalised (minified, keys sorted) when they parse; text that does not parse is kept for the check to reject. */
const norm = (text: unknown): string => {
  const r = tryParse(text);
  return r.ok ? canonical(r.value) : String(text ?? '');
};

const input = (ex: Example): Record<string, unknown> => (ex.input ?? {}) as Record<string, unknown>;

function weighted(rng: { next(): number }, weights: Record<string, number>): string {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (const [k, w] of Object.entries(weights)) if ((r -= w) < 0) return k;
  return Object.keys(weights)[0]!;
}

export const schemaGenerate: Family = {
  name: 'schema_generate',
  description: 'valid JSON that follows a given JSON Schema',
  variants: { default: 1 },
  prompt: SCHEMA_GENERATE_V1,
  replySchema: () => obj(['schema', 'output']),
  vars: (slot, rng) => ({ slot: String(slot.index), schemaKind: rng.pick(SCHEMA_TYPES) }),
  build: (r) => ({
    task: 'schema_generate',
    input: { instruction: 'Generate JSON following this schema. Respond only with JSON.', schema: norm(r.schema) },
    output: norm(r.output),
  }),
  check(ex) {
    const out = jsonField(ex, 'output');
    if (isProblem(out)) return out;
    const schema = tryParse(input(ex).schema);
    if (!schema.ok) return { reason: 'schema_invalid', detail: `schema: ${schema.error}` };
    const v = validateAgainst(input(ex).schema as string, out.value);
    if (!v.ok) return { reason: v.schemaError ? 'schema_invalid' : 'output_schema_mismatch', detail: v.error };
    return undefined;
  },
  template(_slot, rng) {
    const { schema, instance } = schemaCase(rng, rng.pick(SCHEMA_TYPES));
    return { schema: canonical(schema), output: canonical(instance) };
  },
  noveltyText: (ex) => String(ex.output ?? ''),
};

export const jsonRepair: Family = {
  name: 'json_repair',
  description: 'broken JSON to fixed JSON (SFT) and preference pairs (DPO)',
  variants: { sft: 1, dpo: 1 },
  prompt: JSON_REPAIR_SFT_V1,
  promptFor: (variant) => (variant === 'dpo' ? JSON_REPAIR_DPO_V1 : JSON_REPAIR_SFT_V1),
  replySchema: (variant) => (variant === 'dpo' ? obj(['broken_json', 'chosen', 'rejected']) : obj(['broken_json', 'output'])),
  vars(slot, rng) {
    const difficulty = weighted(rng, DIFFICULTY);
    const errors = difficulty === 'easy' ? 1 : difficulty === 'medium' ? rng.int(2, 3) : rng.int(3, 4);
    return {
      slot: String(slot.index),
      difficulty,
      errors: String(errors),
      errorKinds: rng.sample(ERROR_KINDS, errors).join(', ').replace(/_/g, ' '),
      domain: rng.pick(['user profile', 'order', 'sensor reading', 'feature flag config', 'invoice']),
      rejectedKind: rng.pick(['the original broken JSON', 'a partial fix with an error left', 'an over-fix that changed a value']),
    };
  },
  build: (r, slot) => {
    const base = { task: 'json_repair', input: { instruction: 'Fix this broken JSON. Respond only with valid JSON.', broken_json: String(r.broken_json ?? '') } };
    return slot.variant === 'dpo' ? { ...base, chosen: norm(r.chosen), rejected: String(r.rejected ?? '') } : { ...base, output: norm(r.output) };
  },
  check(ex) {
    const broken = input(ex).broken_json;
    if (tryParse(broken).ok) return { reason: 'repair_input_not_broken', detail: 'broken_json parses as JSON' };
    const field = 'chosen' in ex ? 'chosen' : 'output';
    const fixed = jsonField(ex, field);
    if (isProblem(fixed)) return fixed;
    if ('chosen' in ex) {
      const rej = tryParse(ex.rejected);
      if (ex.rejected === ex.chosen || (rej.ok && canonical(rej.value) === ex.chosen)) return { reason: 'dpo_identical', detail: 'chosen equals rejected' };
    }
    return undefined;
  },
  template(slot, rng) {
    const c = repairCase(rng, weighted(rng, DIFFICULTY));
    if (slot.variant !== 'dpo') return { broken_json: c.broken, output: canonical(c.doc) };
    const mode = rng.int(0, 2);
    let rejected = c.broken;
    if (mode === 1 && c.partial !== c.broken) rejected = c.partial;
    if (mode === 2) {
      const over = JSON.parse(JSON.stringify(c.doc)) as Record<string, unknown>;
      const k = Object.keys(over)[0]!;
      over[k] = typeof over[k] === 'number' ? (over[k] as number) + 1 : 'unknown';
      rejected = canonical(over);
    }
    return { broken_json: c.broken, chosen: canonical(c.doc), rejected };
  },
  noveltyText: (ex) => String(input(ex).broken_json ?? ''),
};

export const textToJson: Family = {
  name: 'text_to_json',
  description: 'extract structured JSON from natural-language text',
  variants: Object.fromEntries(TEXT_DOMAINS.map((d) => [d, 1])),
  prompt: TEXT_TO_JSON_V1,
  replySchema: () => obj(['fields', 'text', 'output']),
  vars: (slot, rng) => ({ slot: String(slot.index), domain: slot.variant, variation: rng.pick(TEXT_VARIATIONS) }),
  build: (r) => ({
    task: 'text_to_json',
    input: { instruction: `Extract ${String(r.fields ?? '')} from the text. Respond only with JSON.`, text: String(r.text ?? '') },
    output: norm(r.output),
  }),
  check(ex) {
    const out = jsonField(ex, 'output');
    if (isProblem(out)) return out;
    if (!out.value || typeof out.value !== 'object' || Array.isArray(out.value)) return { reason: 'output_schema_mismatch', detail: 'output is not a JSON object' };
    if (String(input(ex).text ?? '').trim() === '') return { reason: 'empty_field', detail: 'text is empty' };
    return undefined;
  },
  template(slot, rng) {
    const c = textToJsonCase(rng, slot.variant);
    return { fields: c.fields, text: c.text, output: canonical(c.output) };
  },
  noveltyText: (ex) => String(input(ex).text ?? ''),
};

export const jsonTransform: Family = {
  name: 'json_transform',
  description: 'apply a transformation rule to a JSON object',
  variants: Object.fromEntries(TRANSFORMS.map((t) => [t, 1])),
  prompt: JSON_TRANSFORM_V1,
  replySchema: () => obj(['rules', 'json', 'output']),
  vars: (slot) => ({ slot: String(slot.index), transform: slot.variant }),
  build: (r) => ({
    task: 'json_transform',
    input: { instruction: `Transform the JSON: ${String(r.rules ?? '')}. Respond only with JSON.`, json: String(r.json ?? '') },
    output: norm(r.output),
  }),
  check(ex) {
    const src = tryParse(input(ex).json);
    if (!src.ok) return { reason: 'output_not_json', detail: `input json: ${src.error}` };
    const out = jsonField(ex, 'output');
    return isProblem(out) ? out : undefined;
  },
  template(slot, rng) {
    const c = transformCase(rng, slot.variant);
    return { rules: c.rules, json: JSON.stringify(c.json), output: canonical(c.output) };
  },
  noveltyText: (ex) => String(input(ex).json ?? ''),
};

export const jsonStyleStrict: Family = {
  name: 'json_style_strict',
  description: 'normalise JSON: minify and sort keys',
  variants: Object.fromEntries(STYLES.map((s) => [s, 1])),
  prompt: JSON_STYLE_STRICT_V1,
  replySchema: () => obj(['json', 'output']),
  vars: (slot) => ({ slot: String(slot.index), style: slot.variant }),
  // The output is kept as written: the check verifies that it already is the normal form.
  build: (r) => ({
    task: 'json_style_strict',
    input: { instruction: 'Normalize this JSON: minify and sort keys alphabetically. Respond only with JSON.', json: String(r.json ?? '') },
    output: String(r.output ?? ''),
  }),
  check(ex): Problem | undefined {
    const src = tryParse(input(ex).json);
    if (!src.ok) return { reason: 'output_not_json', detail: `input json: ${src.error}` };
    const out = jsonField(ex, 'output');
    if (isProblem(out)) return out;
    if (ex.output !== canonical(out.value)) return { reason: 'style_not_normalized', detail: 'output is not minified with sorted keys' };
    if (canonical(src.value) !== ex.output) return { reason: 'style_data_changed', detail: 'output data differs from the input data' };
    return undefined;
  },
  template(slot, rng) {
    const value = randomObject(rng);
    return { json: messyJson(rng, value, slot.variant), output: canonical(value) };
  },
  noveltyText: (ex) => String(ex.output ?? ''),
};

export const JSON_FAMILIES: readonly Family[] = [schemaGenerate, jsonRepair, textToJson, jsonTransform, jsonStyleStrict];
