import crypto from 'node:crypto';
import { canonicalJson } from '../../core/cache/canonical.js';
import { jsonString, stringifyJsonMembers } from '../../core/json/stringify.js';
import type { CuratedRecord, RecordFormat } from '../../schemas/records.js';

/**
 * Which format an object is, from its fields. Aliases of common public formats are mapped onto the
 * canonical ones first (`aliasToCanonical`).
 */
export function detectFormat(obj: Record<string, unknown>): RecordFormat | undefined {
  if ('chosen' in obj || 'rejected' in obj) return 'preference';
  if ('messages' in obj) return 'chat';
  if ('task' in obj) return 'task';
  if ('instruction' in obj) return 'instruction';
  if ('text' in obj) return 'completion';
  return undefined;
}

const SHAREGPT_ROLES: Record<string, string> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system', tool: 'tool' };

/**
 * Maps two widespread shapes onto the canonical formats: `{prompt, response|completion}` becomes an
 * instruction record and ShareGPT's `{conversations: [{from, value}]}` a chat record. Returns the
 * same object when no alias applies.
 */
export function aliasToCanonical(obj: Record<string, unknown>): { value: Record<string, unknown>; alias?: string } {
  if (!('instruction' in obj) && !('chosen' in obj) && typeof obj.prompt === 'string') {
    const answer = obj.response ?? obj.completion;
    if (answer !== undefined) {
      const { prompt, response: _r, completion: _c, ...rest } = obj;
      return { value: { instruction: prompt, input: '', output: answer, ...rest }, alias: 'prompt_response' };
    }
  }
  if (!('messages' in obj) && Array.isArray(obj.conversations)) {
    const { conversations, ...rest } = obj;
    const messages = (conversations as unknown[]).map((m) => {
      if (!m || typeof m !== 'object') return m;
      const { from, value, ...more } = m as Record<string, unknown>;
      return typeof from === 'string' ? { role: SHAREGPT_ROLES[from] ?? from, content: value, ...more } : m;
    });
    return { value: { messages, ...rest }, alias: 'sharegpt' };
  }
  return { value: obj };
}

const NEEDS_NORMALISING = /[\r\u0080-\uffff]/;

/** Unicode NFC and LF line ends in every string, so that equal text gives equal ids. */
export function normaliseStrings(value: unknown): unknown {
  if (typeof value === 'string') return NEEDS_NORMALISING.test(value) ? value.replace(/\r\n?/g, '\n').normalize('NFC') : value;
  if (Array.isArray(value)) {
    // Copy only what changes: most records are already normal, and copying them is the cost.
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = normaliseStrings(value[i]);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const old = (value as Record<string, unknown>)[k];
      const v = normaliseStrings(old);
      if (v !== old) (out ??= { ...(value as Record<string, unknown>) })[k] = v;
    }
    return out ?? value;
  }
  return value;
}

const FIELD_ORDER: Record<RecordFormat, string[]> = {
  instruction: ['instruction', 'input', 'output'],
  chat: ['messages'],
  completion: ['text'],
  preference: ['task', 'prompt', 'input', 'chosen', 'rejected'],
  task: ['task', 'input', 'output'],
};

/**
 * One-shot sha256 (`crypto.hash`, Node >= 20.12): several times cheaper than a Hash object for
 * inputs of a few hundred bytes, which is what a record is; createHash where it is missing.
 */
const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(alg: string, data: string, enc: string): string }).hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * The content hash that identifies a record: sha256 over its canonical JSON without metadata and
 * provenance. `plain`: the caller knows no string in `content` needs escaping (see hasOnlyPlainStrings).
 */
export function recordId(format: RecordFormat, content: Record<string, unknown>, plain = false): string {
  // The hashed text is `${format}\n` + JSON.stringify([[key, value | [canonicalJson(value)]], ...])
  // over the sorted content keys. It is built by hand (jsonString is JSON.stringify for one string,
  // only faster) and gives the same bytes, so ids stay what they have always been.
  const quote = plain ? quotePlain : jsonString;
  const keys = Object.keys(content).filter((k) => k !== 'metadata' && k !== 'id' && k !== 'provenance' && k !== 'format' && content[k] !== undefined).sort();
  let parts = '';
  for (const k of keys) {
    const v = content[k];
    parts += `${parts ? ',' : ''}[${quote(k)},${typeof v === 'string' ? quote(v) : `[${jsonString(canonicalJson(v))}]`}]`;
  }
  return sha256Hex(`${format}\n[${parts}]`).slice(0, 16);
}

const quotePlain = (s: string): string => `"${s}"`;

/** The canonical form: id, format, the format's fields in a fixed order, extra fields, metadata, provenance. */
export function canonicalise(format: RecordFormat, parsed: Record<string, unknown>, source: string, line: number): CuratedRecord {
  const out = canonicalFields(format, parsed, false);
  out.provenance = { source, line };
  return out as CuratedRecord;
}

/**
 * `JSON.stringify(canonicalise(...))`, with every string quoted once. `plain`: no string in
 * `parsed` needs escaping (the source name is always checked).
 */
export function canonicalLine(format: RecordFormat, parsed: Record<string, unknown>, source: string, line: number, plain: boolean): string {
  const head = stringifyJsonMembers(canonicalFields(format, parsed, plain), plain);
  return `{${head},"provenance":{"source":${jsonString(source)},"line":${line}}}`;
}

function canonicalFields(format: RecordFormat, parsed: Record<string, unknown>, plain: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: recordId(format, parsed, plain), format };
  for (const f of FIELD_ORDER[format]) if (parsed[f] !== undefined) out[f] = parsed[f];
  for (const [k, v] of Object.entries(parsed)) if (!(k in out) && k !== 'metadata' && k !== 'provenance' && k !== 'id' && k !== 'format') out[k] = v;
  if (parsed.metadata !== undefined) out.metadata = parsed.metadata;
  return out;
}
