import { Ajv, type ValidateFunction } from 'ajv';
import { canonical } from '../rng.js';
import type { JsonSchema, Problem } from '../types.js';

export function tryParse(text: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof text !== 'string') return { ok: false, error: 'not a string' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
const compiled = new Map<string, ValidateFunction | string>();

/** Compiles (once) and applies a JSON Schema; a schema that does not compile is reported as such. */
export function validateAgainst(schema: JsonSchema | string, value: unknown): { ok: true } | { ok: false; schemaError: boolean; error: string } {
  const key = typeof schema === 'string' ? schema : canonical(schema);
  let fn = compiled.get(key);
  if (fn === undefined) {
    try {
      const s = typeof schema === 'string' ? (JSON.parse(schema) as JsonSchema) : schema;
      if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Error('a schema must be a JSON object');
      fn = ajv.compile(s);
    } catch (err) {
      fn = err instanceof Error ? err.message : String(err);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(key, fn);
  }
  if (typeof fn === 'string') return { ok: false, schemaError: true, error: fn };
  if (fn(value)) return { ok: true };
  const e = fn.errors?.[0];
  return { ok: false, schemaError: false, error: e ? `${e.instancePath || '/'} ${e.message ?? 'invalid'}` : 'invalid' };
}

/** `field` must hold JSON text; returns the parsed value or the problem. */
export function jsonField(example: Record<string, unknown>, field: string): { value: unknown } | Problem {
  const r = tryParse(example[field]);
  return r.ok ? { value: r.value } : { reason: 'output_not_json', detail: `${field}: ${r.error}` };
}

export function isProblem(x: unknown): x is Problem {
  return !!x && typeof x === 'object' && 'reason' in x;
}

export function nonEmpty(example: Record<string, unknown>, fields: string[]): Problem | undefined {
  for (const f of fields) {
    const v = example[f];
    if (typeof v !== 'string' || v.trim().length === 0) return { reason: 'empty_field', detail: `${f} is empty` };
  }
  return undefined;
}
