import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { PipelineError } from '../errors.js';

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
 * The longest line any reader hands over whole unless told otherwise (one value for every reader:
 * curation stages, read-jsonl, dedup, mix, report, gates). It bounds memory on a file without
 * newlines, and how long one record can hold the event loop in JSON.parse: a 200 MB line once kept
 * a worker from heartbeating until its step timed out and ran twice at once. A line over it is a
 * `too_large` reject in the curation stages and an error naming the file and the line elsewhere.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a byte stream in chunks that end on a line boundary, counting lines but not splitting
 * them: a reader that hands the chunks to worker threads then does no per-line work itself. A line
 * longer than a chunk is carried until its end arrives, up to `maxLineBytes`: past that only its
 * first `maxLineBytes` are kept, the rest is read past, and the head comes as a chunk of its own
 * with `cutFrom` set to the line's length (without its LF and a CR before it), so memory stays
 * bounded whatever the stream holds.
 */
export async function* readLineChunks(source: Readable | string, chunkBytes = 1 << 20, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LineChunk> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: chunkBytes }) : source;
  // The line still open at the end of the last chunk: its kept bytes, and those read past.
  let carry: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  let lastByte = -1;
  const extend = (bytes: Buffer): void => {
    if (bytes.length === 0) return;
    lastByte = bytes[bytes.length - 1]!;
    const room = Math.max(0, maxLineBytes - kept);
    const take = Math.min(room, bytes.length);
    if (take > 0) carry.push(bytes.subarray(0, take));
    kept += take;
    dropped += bytes.length - take;
  };
  const reset = (): void => {
    carry = [];
    kept = 0;
    dropped = 0;
    lastByte = -1;
  };
  let line = 1;
  for await (const input of stream as AsyncIterable<Buffer>) {
    let chunk = input;
    if (kept + dropped > 0) {
      const nl = chunk.indexOf(10);
      if (dropped > 0 || kept + (nl === -1 ? chunk.length : nl) > maxLineBytes) {
        // The open line is over the limit: keep its head, read past the rest.
        extend(nl === -1 ? chunk : chunk.subarray(0, nl));
        if (nl === -1) continue;
        yield { firstLine: line, lineCount: 1, bytes: Buffer.concat(carry), cutFrom: kept + dropped - (lastByte === 13 ? 1 : 0) };
        line++;
        reset();
        chunk = chunk.subarray(nl + 1);
      }
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      extend(chunk);
      continue;
    }
    const head = chunk.subarray(0, lastNl + 1);
    const bytes = carry.length ? Buffer.concat([...carry, head]) : head;
    reset();
    extend(chunk.subarray(lastNl + 1));
    const lineCount = countLines(bytes);
    yield { firstLine: line, lineCount, bytes };
    line += lineCount;
  }
  if (kept + dropped > 0) {
    const bytes = carry.length === 1 ? carry[0]! : Buffer.concat(carry);
    yield dropped > 0 ? { firstLine: line, lineCount: 1, bytes, cutFrom: kept + dropped - (lastByte === 13 ? 1 : 0) } : { firstLine: line, lineCount: 1, bytes };
  }
}

/** The lines in `bytes[0, end)` that end in LF. */
export function countLines(bytes: Buffer, end = bytes.length): number {
  let n = 0;
  for (let nl = bytes.indexOf(10); nl !== -1 && nl < end; nl = bytes.indexOf(10, nl + 1)) n++;
  return n;
}

/**
 * The lines of a chunk, numbered, without their LF and without a trailing CR (CRLF files). A line
 * over `maxLineBytes` (one that fitted in the chunk) is cut like the reader cuts longer ones.
 */
export function* linesOf(bytes: Buffer, firstLine: number, cutFrom?: number, maxLineBytes = Number.POSITIVE_INFINITY): Generator<RawLine> {
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
    if (end - start > maxLineBytes) yield { line: line++, bytes: bytes.subarray(start, start + maxLineBytes), fullLength: end - start };
    else yield { line: line++, bytes: bytes.subarray(start, end) };
    start = nl + 1;
  }
}

/**
 * Splits a byte stream into lines without decoding it, so that invalid UTF-8 can be reported per
 * line instead of being silently replaced. Strips a trailing CR (CRLF files). A line over
 * `maxLineBytes` comes with only its first `maxLineBytes` and `fullLength` set.
 */
export async function* readRawLines(source: Readable | string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  for await (const chunk of readLineChunks(source, undefined, maxLineBytes)) yield* linesOf(chunk.bytes, chunk.firstLine, chunk.cutFrom, maxLineBytes);
}

/**
 * The lines of a stream whose every line must be whole (records, ids): one over `maxLineBytes` is
 * an INVALID_INPUT_DATA error naming `name` (the file a user knows) and the line, never a record
 * cut short. The rest of that line is read past in chunks, so memory stays bounded.
 */
export async function* readWholeLines(source: Readable | string, name: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  for await (const raw of readRawLines(source, maxLineBytes)) {
    if (raw.fullLength !== undefined) throw lineTooLong(name, raw.line, raw.fullLength, maxLineBytes);
    yield raw;
  }
}

export function lineTooLong(name: string, line: number, bytes: number, maxLineBytes = MAX_LINE_BYTES): PipelineError {
  const problem = `a line of ${bytes} bytes, over the ${maxLineBytes}-byte limit for one record (MAX_LINE_BYTES)`;
  return new PipelineError('INVALID_INPUT_DATA', `${name}:${line}: ${problem}`, [{ path: `${name}:${line}`, message: problem }]);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function stripBom(bytes: Buffer, line: number): Buffer {
  return line === 1 && bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}
