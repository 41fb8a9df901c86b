import { bump, defineStage, drop, keep, type Counters, type Stage, type StageContext, type Verdict } from '../../../core/stage/stage.js';
import { configuredPiiKey, usesEncrypt } from './encrypt.js';
import { loadNer } from './ner/ner.js';
import { applyFindings, RecordReplacer } from './operators.js';
import { piiOptionsSchema, type PiiOperator } from './options.js';
import { personRoles, type PersonMention } from './roles.js';
import { createScanner } from './scan.js';
import { saltOf } from './text.js';
import type { Finding, PiiType } from './types.js';

/**
 * Fields that are never scanned: identity, provenance and the task name. `metadata` is scanned
 * like any text (issue 24: an email in `metadata.contact` reached the train split); a field rule
 * `{"metadata": {"skip": true}}` opts out.
 */
const NOT_TEXT = new Set(['id', 'format', 'provenance', 'task']);

/**
 * Scans every text field of a record (strings, chat message contents, string values inside an
 * `input` object), applies the configured operator per finding, or drops the record. Counts
 * findings per type and field; values never leave this function.
 */
export type PiiReason = 'pii_found';

export async function createPiiStage(rawOptions: unknown, _ctx: StageContext): Promise<Stage<Record<string, unknown>, PiiReason>> {
  const options = piiOptionsSchema.parse(rawOptions);
  // The NER model is loaded once per thread, and only when people are among the types scanned for.
  const ner = options.ner && options.types.includes('person') ? await loadNer(options.ner) : undefined;
  const scanner = createScanner(options);
  const salt = saltOf(options);
  const key = usesEncrypt(options) ? configuredPiiKey() : undefined;
  const allTypes = new Set<PiiType>(options.types);
  const counters: Counters = { findings: {}, findingsByKind: {}, fieldsWithFindings: {}, recordsWithFindings: 0 };
  const findings = counters.findings as Counters;
  const byKind = counters.findingsByKind as Counters;
  const byField = counters.fieldsWithFindings as Counters;

  const typesFor = (field: string): Set<PiiType> | undefined => {
    const rule = options.fields[field];
    if (rule?.skip) return undefined;
    return rule?.types ? new Set(rule.types.filter((t) => allTypes.has(t))) : allTypes;
  };

  /** The NER model's findings for every distinct text of the record that is scanned for people. */
  const nerFindings = async (record: Record<string, unknown>): Promise<Map<string, Finding[]>> => {
    const texts = new Set<string>();
    for (const [field, value] of Object.entries(record)) {
      if (NOT_TEXT.has(field) || !typesFor(field)?.has('person')) continue;
      forEachText(field, value, (_f, text) => texts.add(text));
    }
    const out = new Map<string, Finding[]>();
    for (const text of texts) out.set(text, await ner!.find(text));
    return out;
  };

  const scrub = (record: Record<string, unknown>, extra?: Map<string, Finding[]>): Verdict<PiiReason> => {
    const dropTypes = new Set<PiiType>();
    // Pass 1 finds everything, so that a person's role can come from a cue anywhere in the record
    // (roles.ts); pass 2 rewrites, visiting the texts in the same order.
    const found: Finding[][] = [];
    const people: PersonMention[] = [];
    const opFor = (field: string) => (t: PiiType): PiiOperator => options.fields[field]?.operator ?? options.operators[t] ?? options.operator;
    const find = (field: string, text: string): void => {
      const types = typesFor(field);
      const hits: Finding[] = types ? scanner.scan(text, types, extra?.get(text)) : [];
      found.push(hits);
      if (hits.length === 0) return;
      bump(byField, field, hits.length);
      for (const f of hits) {
        bump(findings, f.type);
        if (f.subtype) bump(byKind, `${f.type}.${f.subtype}`);
        if (opFor(field)(f.type) === 'drop') dropTypes.add(f.type);
        if (f.type === 'person') people.push({ text, start: f.start, end: f.end });
      }
    };
    for (const [field, value] of Object.entries(record)) if (!NOT_TEXT.has(field)) forEachText(field, value, find);
    const any = found.some((h) => h.length > 0);
    // Most records hold nothing: they go out as they came, with no replacer and no copy.
    if (!any) return keep(record);
    const replacer = new RecordReplacer(salt, personRoles(people), key);
    let next = 0;
    const apply = (field: string, text: string): string => {
      const hits = found[next++]!;
      return hits.length === 0 ? text : applyFindings(text, hits, opFor(field), replacer);
    };
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(record)) out[field] = NOT_TEXT.has(field) ? value : rewrite(field, value, apply);
    bump(counters, 'recordsWithFindings');
    // The row keeps the record's id, never its text.
    if (dropTypes.size > 0) return drop('pii_found', `drop operator: ${[...dropTypes].sort().join(', ')}`, { id: record.id });
    return keep(out);
  };

  return {
    process(record) {
      if (!ner) return scrub(record);
      return nerFindings(record).then((extra) => scrub(record, extra));
    },
    close: async () => ner?.close(),
    counters: () => counters,
  };
}

export const piiStage = defineStage({ reads: 'record', name: 'pii', module: import.meta.url, create: createPiiStage });

/** Applies `visit` to every string under a field: plain strings, message contents, object values. */
function rewrite(field: string, value: unknown, visit: (field: string, text: string) => string): unknown {
  if (typeof value === 'string') return visit(field, value);
  if (Array.isArray(value)) {
    return value.map((v) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { content?: unknown }).content === 'string') {
        return { ...(v as object), content: visit(field, (v as { content: string }).content) };
      }
      return rewrite(field, v, visit);
    });
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewrite(field, v, visit);
    return out;
  }
  return value;
}

/** Visits the strings `rewrite` would, in the same order, without copying anything. */
function forEachText(field: string, value: unknown, visit: (field: string, text: string) => void): void {
  if (typeof value === 'string') visit(field, value);
  else if (Array.isArray(value)) {
    for (const v of value) {
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { content?: unknown }).content === 'string') visit(field, (v as { content: string }).content);
      else forEachText(field, v, visit);
    }
  } else if (value && typeof value === 'object') for (const v of Object.values(value)) forEachText(field, v, visit);
}
