import type { Readable } from 'node:stream';
import { PipelineError } from '../errors.js';
import { MAX_LINE_BYTES, readWholeLines } from './lines.js';
import { decodeLine } from './text-line.js';

export interface JsonlRecord<T = unknown> {
  line: number;
  value: T;
}

/**
 * Reads JSONL, one JSON object per line, with the one rule for a line's bytes (./text-line.ts): a
 * BOM is dropped, invalid UTF-8 and malformed JSON fail, naming `name` (the file a user knows) and
 * the line, as does a line over `maxLineBytes` (./lines.ts). Raw user files that may hold bad lines
 * go through the validate stage instead, which sets each one aside with its reason.
 */
export async function* readJsonl<T = unknown>(source: Readable | string, name = typeof source === 'string' ? source : 'input', maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<JsonlRecord<T>> {
  for await (const raw of readWholeLines(source, name, maxLineBytes)) {
    const decoded = decodeLine(raw.bytes, raw.line);
    if ('problem' in decoded) throw badLine(name, raw.line, decoded.problem);
    if (decoded.bytes.length === 0) continue;
    let value: T;
    try {
      value = JSON.parse(decoded.text) as T;
    } catch (err) {
      throw badLine(name, raw.line, `malformed JSON (${(err as Error).message.split('\n')[0]})`);
    }
    yield { line: raw.line, value };
  }
}

function badLine(name: string, line: number, problem: string): PipelineError {
  return new PipelineError('INVALID_INPUT_DATA', `${name}:${line}: ${problem}; run the validate stage to find and set aside bad lines`, [{ path: `${name}:${line}`, message: problem }]);
}
