import { decodeLine } from '../artifacts/text-line.js';
import { stringifyJson } from '../json/stringify.js';
import { rejectLine } from './reject.js';
import { drop, truncate, type Stage, type StageContext, type StageDef, type Verdict } from './stage.js';
import type { Unit } from './units.js';

/** What became of one unit, as it crosses back from a worker thread: a kept JSON line, or a reject row and its reason. */
export type UnitResult = { kept: string } | { reject: string; reason: string };

/** A stage made ready to judge units: parsing, the verdict and the reject row, in one place for both runners. */
export interface Judge {
  judge(unit: Unit): UnitResult | Promise<UnitResult>;
  stage: Stage<never>;
}

export async function createJudge(def: StageDef, options: unknown, ctx: StageContext): Promise<Judge> {
  if (def.reads === 'unit') {
    const stage = await def.create(options, ctx);
    return { stage, judge: (unit) => settle(stage.process(unit, unit), (v) => toResult(v, unit.line, ctx.source)) };
  }
  const stage = await def.create(options, ctx);
  return {
    stage,
    judge(unit) {
      const parsed = parseRecord(unit);
      if (!('record' in parsed)) return toResult(parsed, unit.line, ctx.source);
      const record = parsed.record;
      // A curated record's rejects name the user's file and line it came from (its provenance).
      const prov = record.provenance as { source?: string; line?: number } | undefined;
      return settle(stage.process(record, unit), (v) => toResult(v, prov?.line ?? unit.line, prov?.source ?? ctx.source));
    },
  };
}

function settle<T>(v: Verdict | Promise<Verdict>, then: (v: Verdict) => T): T | Promise<T> {
  return v instanceof Promise ? v.then(then) : then(v);
}

function toResult(v: Verdict, line: number, source: string): UnitResult {
  if ('keep' in v) return { kept: typeof v.keep === 'string' ? v.keep : stringifyJson(v.keep) };
  return { reason: v.drop, reject: rejectLine({ line, source, reason: v.drop, detail: v.detail }, v.extra) };
}

export type ParseReason = 'too_large' | 'invalid_utf8' | 'blank_line' | 'not_an_object' | 'malformed_json';

/**
 * Parses a unit of an already-curated artifact. Blank or broken lines (a hand-made input given to
 * `forgeline stage pii|score` without validate) become rejects instead of failing the run.
 */
export function parseRecord(unit: Unit): { record: Record<string, unknown> } | Verdict<ParseReason> {
  const decoded = decodeLine(unit.bytes, unit.line);
  // Bytes that are not UTF-8 are rejected, not decoded with U+FFFD; the raw text is then left out.
  const text = 'text' in decoded ? decoded.text : '';
  const fail = (reason: ParseReason, detail: string) => drop(reason, detail, { raw: truncate(text, 300) });
  if (unit.fullLength !== undefined) return fail('too_large', `a line of ${unit.fullLength} bytes, over the ${unit.bytes.length} a stage reads whole`);
  if ('problem' in decoded) return fail('invalid_utf8', decoded.problem);
  if (text.trim() === '') return fail('blank_line', 'empty line');
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return fail('not_an_object', 'expected a JSON object; run validate first');
    return { record: v as Record<string, unknown> };
  } catch (err) {
    return fail('malformed_json', `${(err as Error).message.split('\n')[0]}; run validate first`);
  }
}
