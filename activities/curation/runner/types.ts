import { linesOf, MAX_LINE_BYTES } from '../../../core/artifacts/lines.js';
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

/** What a stage made of one unit: a kept JSON line, or a reject JSON line with its reason code. */
export type UnitResult = { kept: string } | { reject: string; reason: string };

/** Additive, text-free counters (finding counts, histograms); merged across worker threads by summing. */
export interface Counters {
  [key: string]: number | Counters;
}

/**
 * A stage that works one unit at a time and serialises its own output, so that units can be
 * processed in worker threads and only strings cross back.
 */
export interface LineStage {
  process(unit: Unit): UnitResult | Promise<UnitResult>;
  counters(): Counters;
  close?(): Promise<void>;
}

export interface LineStageContext {
  /** File name recorded in provenance and rejects. */
  source: string;
}

export type LineStageFactory = (options: unknown, ctx: LineStageContext) => LineStage | Promise<LineStage>;

export function mergeCounters(into: Counters, from: Counters): Counters {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (typeof v === 'number') into[k] = (typeof cur === 'number' ? cur : 0) + v;
    else into[k] = mergeCounters(typeof cur === 'object' ? cur : {}, v);
  }
  return into;
}

export function bump(counters: Counters, key: string, by = 1): void {
  counters[key] = ((counters[key] as number | undefined) ?? 0) + by;
}

/** Truncates text for reject rows and details (never for kept records). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}
