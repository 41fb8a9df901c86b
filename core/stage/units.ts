import { linesOf, MAX_LINE_BYTES } from '../artifacts/lines.js';
import { BufferPool } from './buffer-pool.js';
import { readFileLineChunks, type FileLineChunkOptions } from './file-chunks.js';

/** One unit of input: a line of a JSONL file, an element of a JSON array, a row of a Parquet file. */
export interface Unit {
  /** 1-based line (JSON array: line where the element starts; Parquet: row number). */
  line: number;
  bytes: Buffer;
  /** Set when only the first bytes of a line over the reader's limit are here: the line's length in the file. */
  fullLength?: number;
}

/**
 * A stage's input: units one at a time (JSON arrays, Parquet), or a JSONL file, which is read in
 * chunks of whole lines that worker threads split themselves, so that the reading thread does no
 * per-line work. A line over `maxLineBytes` (default MAX_LINE_BYTES) arrives cut, with `fullLength`
 * set: stages reject it as too_large.
 */
export type UnitSource = { units: AsyncIterable<Unit> } | ({ file: string } & FileLineChunkOptions);

export async function* unitsOf(source: UnitSource): AsyncGenerator<Unit> {
  if ('units' in source) {
    yield* source.units;
    return;
  }
  // In one thread the chunk buffers are not given back: a stage may hold on to a unit's bytes.
  for await (const chunk of readFileLineChunks(source.file, new BufferPool(LINE_CHUNK_BYTES, 0), { onBytes: source.onBytes, maxLineBytes: source.maxLineBytes ?? MAX_LINE_BYTES })) {
    yield* linesOf(Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength), chunk.firstLine, chunk.cutFrom);
  }
}

/** The longest line a stage is handed whole unless it says otherwise (one value for every reader). */
export { MAX_LINE_BYTES };

/** The size of a JSONL chunk, and of a batch of units: large enough to make a message cheap, small enough to keep threads busy. */
export const LINE_CHUNK_BYTES = 1 << 19;
