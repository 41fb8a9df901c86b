import type { Issue, PipelineErrorCode } from '../errors.js';
import type { Counters } from './stage.js';
import { LINE_CHUNK_BYTES } from './units.js';

export interface WorkerInit {
  /** The stage's module URL. */
  stage: string;
  options: unknown;
  source: string;
}

/** A worker's output buffer: room for a batch that grows by half (validate's canonical form adds about a sixth). */
export const OUTPUT_BYTES = LINE_CHUNK_BYTES + (LINE_CHUNK_BYTES >> 1);

export type BatchRequest =
  /** Units packed into one buffer: unit k is buf[offsets[k], offsets[k + 1]) from line lines[k]. */
  | { type: 'batch'; seq: number; buf: Uint8Array; offsets: Int32Array; lines: Int32Array; spare?: ArrayBuffer }
  /**
   * Whole JSONL lines from line firstLine on, split by the worker; buf's buffer comes back in the
   * reply. cutFrom: buf is the head of one line over the reader's limit, of that many bytes.
   */
  | { type: 'lines'; seq: number; buf: Uint8Array<ArrayBuffer>; firstLine: number; cutFrom?: number; spare?: ArrayBuffer }
  | { type: 'finish' };

export type BatchReply =
  | { type: 'ready' }
    /** kept and rejects: JSONL bytes, transferred; input: a `lines` request's buffer, given back. */
  | { type: 'batch'; seq: number; input?: ArrayBuffer; kept: Uint8Array<ArrayBuffer>; keptCount: number; rejects: Uint8Array<ArrayBuffer>; rejectedCount: number; reasons: Record<string, number> }
  | { type: 'counters'; counters: Counters }
  | { type: 'error'; message: string; code?: PipelineErrorCode; issues?: readonly Issue[] };
