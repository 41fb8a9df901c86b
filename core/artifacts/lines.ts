import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface RawLine {
  /** 1-based line number in the source file, blank lines included. */
  line: number;
  bytes: Buffer;
}

/**
 * Splits a byte stream into lines without decoding it, so that invalid UTF-8 can be reported per
 * line instead of being silently replaced. Strips a trailing CR (CRLF files).
 */
export async function* readRawLines(source: Readable | string): AsyncGenerator<RawLine> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let carry: Buffer | undefined;
  let line = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      let end = nl;
      if (end > start && buf[end - 1] === 13) end--;
      yield { line, bytes: buf.subarray(start, end) };
      start = nl + 1;
    }
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
    buf = Buffer.alloc(0);
  }
  if (carry && carry.length > 0) {
    line++;
    let end = carry.length;
    if (carry[end - 1] === 13) end--;
    yield { line, bytes: carry.subarray(0, end) };
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripBom(bytes: Buffer, line: number): Buffer {
  return line === 1 && bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}
