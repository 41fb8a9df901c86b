import { Ajv, type ValidateFunction } from 'ajv';
import { canonicalJson } from '../../../core/cache/canonical.js';
import type { CuratedRecord } from '../../../schemas/records.js';
import type { CypherGate } from './cypher-gate.js';
import type { ScoreOptions } from './options.js';
import type { TextView } from './text-view.js';

/** A task validator that failed: a stable code and a short, value-free detail. */
export interface GateFailure {
  code: 'invalid_json' | 'invalid_schema' | 'schema_mismatch' | 'style_mismatch' | 'cypher_syntax' | 'cypher_explain' | 'label_not_allowed';
  detail: string;
}

const RESPOND_JSON = /respond only with (?:valid )?json/i;
const MAX_COMPILED = 256;

/**
 * Task validators (gates): a record that fails one scores 0. JSON parses; JSON matches the
 * record's JSON Schema (ajv) for schema-generation tasks; seed 001's strict style; Cypher parses
 * (and plans by EXPLAIN, see cypher-gate.ts); a label belongs to its allowed set.
 */
export function createValidators(o: ScoreOptions, cypher: CypherGate) {
  const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: true });
  const compiled = new Map<string, ValidateFunction | string>();
  const labelRules = o.labels.map((r) => ({ ...r, re: r.instructionPattern ? new RegExp(r.instructionPattern, 'i') : undefined, set: new Set(r.allowed) }));
  const jsonTasks = new Set(o.json.tasks);
  const cypherTasks = new Set(o.cypher.tasks);
  const cypherCategories = new Set(o.cypher.categories.map((c) => c.toLowerCase()));

  const compile = (schemaText: string): ValidateFunction | string => {
    let v = compiled.get(schemaText);
    if (v) return v;
    try {
      v = ajv.compile(JSON.parse(schemaText) as object);
    } catch (err) {
      v = `schema does not compile: ${(err as Error).message.split('\n')[0]}`;
    }
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(schemaText, v);
    return v;
  };

  const jsonApplies = (task: string | undefined, view: TextView): boolean => Boolean(task && jsonTasks.has(task)) || (o.json.respondOnlyWithJson && RESPOND_JSON.test(view.prompt));
  const labelRulesFor = (task: string | undefined, category: string | undefined, view: TextView) =>
    labelRules.filter((rule) => !(rule.task && rule.task !== task) && !(rule.category && rule.category.toLowerCase() !== category) && !(rule.re && !rule.re.test(view.prompt)));
  const cypherApplies = (task: string | undefined, category: string | undefined): boolean =>
    o.cypher.enabled && (o.cypher.all || Boolean(task && cypherTasks.has(task)) || Boolean(category && cypherCategories.has(category)));
  const taskOf = (r: CuratedRecord) => (typeof r.task === 'string' ? r.task : undefined);
  // generate writes a top-level `category` (families' build()); hand-written data keeps it in metadata.
  const categoryOf = (r: CuratedRecord) => {
    const top = (r as { category?: unknown }).category;
    return (typeof top === 'string' ? top : r.metadata?.category)?.toLowerCase();
  };

  return {
    /** Whether a validator checks this record's answer (its form is then known, whatever its length). */
    applies(r: CuratedRecord, view: TextView): boolean {
      const task = taskOf(r);
      const category = categoryOf(r);
      return jsonApplies(task, view) || labelRulesFor(task, category, view).length > 0 || cypherApplies(task, category);
    },
    check(r: CuratedRecord, view: TextView): GateFailure | undefined | Promise<GateFailure | undefined> {
      const task = taskOf(r);
      const category = categoryOf(r);
      // A preference pair's view.response is its chosen answer; the rejected one is wrong on purpose
      // (seed 001's json_repair: it must not parse), so only the chosen answer is checked.
      const answer = view.response;
      if (jsonApplies(task, view)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(answer);
        } catch (err) {
          return { code: 'invalid_json', detail: `response is not JSON: ${(err as Error).message.split('\n')[0]!.slice(0, 80)}` };
        }
        if (task === o.json.styleTask && answer.trim() !== canonicalJson(parsed)) {
          return { code: 'style_mismatch', detail: 'response is not minified JSON with sorted keys' };
        }
        if (task === o.json.schemaTask) {
          const input = r.input as Record<string, unknown> | undefined;
          const schema = input?.schema;
          if (schema !== undefined) {
            const v = compile(typeof schema === 'string' ? schema : JSON.stringify(schema));
            if (typeof v === 'string') return { code: 'invalid_schema', detail: v.slice(0, 160) };
            if (!v(parsed)) {
              const e = v.errors?.[0];
              return { code: 'schema_mismatch', detail: `${e?.instancePath || '(root)'} ${e?.message ?? 'does not match'}` };
            }
          }
        }
      }
      for (const rule of labelRulesFor(task, category, view)) {
        if (!rule.set.has(answer.trim())) return { code: 'label_not_allowed', detail: `label not in the allowed set (${rule.allowed.length} labels)` };
      }
      if (cypherApplies(task, category)) return cypher.check(answer);
      return undefined;
    },
  };
}
