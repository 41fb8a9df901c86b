import { createReadStream } from 'node:fs';
import type { Unit } from '../../../core/stage/units.js';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * A JSON array file (`[{...}, {...}]`) as a stream of units, one per element, without holding the
 * whole array: a byte scanner tracks nesting and strings and cuts at top-level commas. Each unit
 * carries the line where its element starts. A truncated file yields its partial last element
 * (which validate rejects as truncated JSON). A file holding a single object is one unit.
 */
export async function* readJsonArrayUnits(file: string): AsyncGenerator<Unit> {
  let line = 1;
  let started = false; // saw the opening '[' (or a lone top-level value)
  let lone = false; // the file is one value, not an array
  let ended = false;
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let elementLine = 0;
  let first = true;

  const take = (): Unit | undefined => {
    if (elementLine === 0) return undefined;
    const bytes = Buffer.concat(parts);
    parts = [];
    const unit = { line: elementLine, bytes: trimEnd(bytes) };
    elementLine = 0;
    return unit;
  };

  for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let chunk = raw;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let segStart = -1; // where the current element's bytes begin in this chunk
    if (elementLine !== 0) segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) line++;
      if (ended) continue;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (!started) {
        if (isSpace(b)) continue;
        started = true;
        if (b === OPEN_BRACKET) continue;
        lone = true; // not an array: the whole rest is one value
      }
      if (elementLine === 0) {
        if (isSpace(b)) continue;
        if (!lone && depth === 0 && b === CLOSE_BRACKET) {
          ended = true;
          continue;
        }
        if (!lone && depth === 0 && b === COMMA) {
          // An empty element (`[1,,2]`): a unit of no bytes, rejected downstream.
          yield { line, bytes: Buffer.alloc(0) };
          continue;
        }
        elementLine = line;
        segStart = i;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && depth > 0) depth--;
      else if (!lone && depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
        parts.push(chunk.subarray(segStart, i));
        segStart = -1;
        const unit = take();
        if (unit) yield unit;
        if (b === CLOSE_BRACKET) ended = true;
      }
    }
    if (segStart !== -1 && elementLine !== 0) parts.push(Buffer.from(chunk.subarray(segStart)));
  }
  const rest = take();
  if (rest && rest.bytes.length > 0) yield rest;
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && isSpace(bytes[end - 1]!)) end--;
  return bytes.subarray(0, end);
}
