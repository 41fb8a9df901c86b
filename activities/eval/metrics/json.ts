import { Ajv, type ValidateFunction } from 'ajv';

/**
 * JSON metrics for seed 001's task families: does the output parse, and does it satisfy the
 * record's JSON Schema (ajv, all errors, formats not enforced unless the schema's keywords need it).
 */
export function jsonValid(output: string): number {
  try {
    JSON.parse(output.trim());
    return 1;
  } catch {
    return 0;
  }
}

export type SchemaVerdict = { valid: true } | { valid: false; reason: 'not_json' | 'schema_mismatch' | 'bad_schema'; detail: string };

/** Compiles each distinct schema once (keyed by its text): a test split repeats few schemas. */
export class SchemaChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly compiled = new Map<string, ValidateFunction | Error>();

  check(output: string, schema: unknown): SchemaVerdict {
    let value: unknown;
    try {
      value = JSON.parse(output.trim());
    } catch (err) {
      return { valid: false, reason: 'not_json', detail: (err as Error).message };
    }
    const fn = this.compile(schema);
    if (fn instanceof Error) return { valid: false, reason: 'bad_schema', detail: fn.message };
    if (fn(value)) return { valid: true };
    const first = fn.errors?.[0];
    return { valid: false, reason: 'schema_mismatch', detail: first ? `${first.instancePath || '/'} ${first.message ?? ''}`.trim() : 'invalid' };
  }

  private compile(schema: unknown): ValidateFunction | Error {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    let fn = this.compiled.get(text);
    if (!fn) {
      try {
        const parsed: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
        fn = this.ajv.compile(parsed as object);
      } catch (err) {
        fn = err instanceof Error ? err : new Error(String(err));
      }
      this.compiled.set(text, fn);
    }
    return fn;
  }
}
