import { decodeLine } from '../../../core/artifacts/text-line.js';
import type { LineStageContext, Unit, UnitResult } from './types.js';
import { truncate } from './types.js';

/**
 * Parses a unit of an already-curated artifact. Blank or broken lines (a hand-made input given to
 * `forgeline stage pii|score` without validate) become rejects instead of failing the run.
 */
export function parseRecord(unit: Unit, ctx: LineStageContext): { record: Record<string, unknown> } | { result: UnitResult } {
  const decoded = decodeLine(unit.bytes, unit.line);
  // Bytes that are not UTF-8 are rejected, not decoded with U+FFFD; the raw text is then left out.
  const text = 'text' in decoded ? decoded.text : '';
  const fail = (reason: string, detail: string): { result: UnitResult } => ({
    result: { reason, reject: JSON.stringify({ line: unit.line, source: ctx.source, reason, detail, raw: truncate(text, 300) }) },
  });
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
