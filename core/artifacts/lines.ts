import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface RawLine {
  /** 1-based line number in the source file, blank lines included. */
  line: number;
  bytes: Buffer;
  /** Set when the reader kept only the first bytes of a line over its limit: the line's length in the file. */
  fullLength?: number;
}

/** Whole lines of a byte stream: `lineCount` lines from `firstLine` on, each ending in LF except perhaps the file's last. */
export interface LineChunk<B extends Uint8Array = Buffer> {
  firstLine: number;
  lineCount: number;
  bytes: B;
  /** Set when the chunk is the head of one line over the reader's limit: the line's length in the file. */
  cutFrom?: number;
}

/**
 * Reads a byte stream in chunks that end on a line boundary, counting lines but not splitting
 * them: a reader that hands the chunks to worker threads then does no per-line work itself. A line
 * longer than a chunk is carried until its end arrives.
 */
export async function* readLineChunks(source: Readable | string, chunkBytes = 1 << 20): AsyncGenerator<LineChunk> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: chunkBytes }) : source;
  let carry: Buffer[] = [];
  let line = 1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      carry.push(chunk);
      continue;
    }
    const head = chunk.subarray(0, lastNl + 1);
    const bytes = carry.length ? Buffer.concat([...carry, head]) : head;
    carry = lastNl + 1 < chunk.length ? [chunk.subarray(lastNl + 1)] : [];
    const lineCount = countLines(bytes);
    yield { firstLine: line, lineCount, bytes };
    line += lineCount;
  }
  const rest = carry.length === 1 ? carry[0]! : Buffer.concat(carry);
  if (rest.length > 0) yield { firstLine: line, lineCount: 1, bytes: rest };
}

/** The lines in `bytes[0, end)` that end in LF. */
export function countLines(bytes: Buffer, end = bytes.length): number {
  let n = 0;
  for (let nl = bytes.indexOf(10); nl !== -1 && nl < end; nl = bytes.indexOf(10, nl + 1)) n++;
  return n;
}

/** The lines of a chunk, numbered, without their LF and without a trailing CR (CRLF files). */
export function* linesOf(bytes: Buffer, firstLine: number, cutFrom?: number): Generator<RawLine> {
  if (cutFrom !== undefined) {
    yield { line: firstLine, bytes, fullLength: cutFrom };
    return;
  }
  let line = firstLine;
  let start = 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(10, start);
    if (nl === -1) nl = bytes.length;
    let end = nl;
    if (end > start && bytes[end - 1] === 13) end--;
    yield { line: line++, bytes: bytes.subarray(start, end) };
    start = nl + 1;
  }
}

/**
 * Splits a byte stream into lines without decoding it, so that invalid UTF-8 can be reported per
 * line instead of being silently replaced. Strips a trailing CR (CRLF files).
 */
export async function* readRawLines(source: Readable | string): AsyncGenerator<RawLine> {
  for await (const chunk of readLineChunks(source)) yield* linesOf(chunk.bytes, chunk.firstLine);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripBom(bytes: Buffer, line: number): Buffer {
  return line === 1 && bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}
