import { isAscii } from 'node:buffer';
import type { z } from 'zod';
import { stripBom } from '../../../core/artifacts/lines.js';
import { utf8Problem } from '../../../core/artifacts/text-line.js';
import { hasOnlyPlainStrings } from '../../../core/json/stringify.js';
import { RECORD_SCHEMAS, type RecordFormat } from '../../../schemas/records.js';
import { aliasToCanonical, canonicalLine, detectFormat, normaliseStrings } from '../normalize.js';
import { bump, defineStage, drop, keep, truncate, type Counters, type Stage, type StageContext, type Verdict } from '../../../core/stage/stage.js';
import type { Unit } from '../../../core/stage/units.js';
import { validateOptionsSchema } from './options.js';
import type { ValidateReason } from './reasons.js';

/**
 * Checks one raw unit of a user file and turns it into a canonical record, or a reject row
 * `{line, source, reason, detail, raw}`. Each check has its own reason code; the first failing
 * check decides.
 */
export function createValidator(rawOptions: unknown, ctx: StageContext): Stage<Unit, ValidateReason> & { process(unit: Unit): Verdict<ValidateReason> } {
  const options = validateOptionsSchema.parse(rawOptions);
  const counters: Counters = { formats: {}, aliases: {} };
  const lossy = new TextDecoder('utf-8');

  const reject = (unit: Unit, reason: ValidateReason, detail: string, text?: string): Verdict<ValidateReason> =>
    drop(reason, detail, { raw: truncate(text ?? lossy.decode(unit.bytes), options.rawMaxChars) });

  return {
    process(unit) {
      const bytes = stripBom(unit.bytes, unit.line);
      if (isBlank(bytes)) return reject(unit, 'blank_line', 'empty line', '');
      // A line over the limit may reach here cut short by the reader (fullLength is then its size).
      const size = unit.fullLength ?? bytes.length;
      if (size > options.maxRecordBytes) return reject(unit, 'too_large', `${size} bytes > maxRecordBytes ${options.maxRecordBytes}`);
      const notUtf8 = utf8Problem(bytes);
      if (notUtf8) return reject(unit, 'invalid_utf8', notUtf8);
      const text = bytes.toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        const message = (err as Error).message;
        const truncated = isTruncation(message, text.length);
        return reject(unit, truncated ? 'truncated_json' : 'malformed_json', firstLine(message), text);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return reject(unit, 'not_an_object', `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, text);
      }
      const aliased = aliasToCanonical(value as Record<string, unknown>);
      if (aliased.alias) bump(counters.aliases as Counters, aliased.alias);
      const format: RecordFormat | undefined = options.format === 'auto' ? detectFormat(aliased.value) : options.format;
      if (!format) {
        const keys = Object.keys(aliased.value).slice(0, 8).join(', ');
        return reject(unit, 'unknown_format', `no known record format has fields {${keys}}; expected instruction, messages, text, chosen/rejected or task`, text);
      }
      const parsed = RECORD_SCHEMAS[format].safeParse(aliased.value);
      if (!parsed.success) {
        const { reason, detail } = describeIssues(format, parsed.error.issues, aliased.value);
        return reject(unit, reason, detail, text);
      }
      bump(counters.formats as Counters, format);
      const data = mayNeedNormalising(bytes) ? (normaliseStrings(parsed.data) as Record<string, unknown>) : (parsed.data as Record<string, unknown>);
      return keep(canonicalLine(format, data, ctx.source, unit.line, hasOnlyPlainStrings(bytes)));
    },
    counters: () => counters,
  };
}

export const validateStage = defineStage({ reads: 'unit', name: 'validate', module: import.meta.url, create: createValidator });

/** A parse error at the very end of the text (or an unterminated string) means the line was cut short. */
function isTruncation(message: string, length: number): boolean {
  if (/end of JSON input|Unterminated string/.test(message)) return true;
  const at = /at position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= length;
}

const ESCAPED_CR = Buffer.from('\\r');
const ESCAPED_UNICODE = Buffer.from('\\u');

/**
 * Whether any string in the line could hold a CR or a non-ASCII character (which NFC could change):
 * only through a non-ASCII byte or a `\r` / `\u` escape. Most lines have none, and a native byte
 * scan is cheaper than testing every parsed string.
 */
function mayNeedNormalising(bytes: Buffer): boolean {
  return !isAscii(bytes) || bytes.includes(ESCAPED_CR) || bytes.includes(ESCAPED_UNICODE);
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  return true;
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}

type Issue = z.core.$ZodIssue;

/** The reason code of the first issue and a detail naming every offending field (at most 3). */
function describeIssues(format: RecordFormat, issues: readonly Issue[], value: Record<string, unknown>): { reason: ValidateReason; detail: string } {
  const at = (i: Issue): unknown => i.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), value);
  const reasonOf = (i: Issue): ValidateReason => {
    if (i.code === 'invalid_type') return at(i) === undefined ? 'missing_field' : 'wrong_type';
    if (i.code === 'too_small' && i.origin === 'string') return 'empty_field';
    if (i.code === 'too_small' && i.origin === 'array' && i.minimum === 1) return 'empty_field';
    if (i.code === 'invalid_union') return 'wrong_type';
    return 'invalid_value';
  };
  const describe = (i: Issue): string => {
    const field = i.path.length ? i.path.map(String).join('.') : '(record)';
    const r = reasonOf(i);
    if (r === 'missing_field') return `field "${field}" is missing`;
    if (r === 'wrong_type' && i.code === 'invalid_type') return `field "${field}": expected ${i.expected}, got ${typeName(at(i))}`;
    if (r === 'empty_field') return `field "${field}" is empty`;
    return `field "${field}": ${i.message}`;
  };
  const first = issues[0]!;
  return { reason: reasonOf(first), detail: `${format}: ${issues.slice(0, 3).map(describe).join('; ')}` };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
