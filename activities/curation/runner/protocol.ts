import type { Issue, PipelineErrorCode } from '../../../core/errors.js';
import type { Counters } from './types.js';

export interface WorkerInit {
  stage: string;
  options: unknown;
  source: string;
}

export type BatchRequest =
  | { type: 'batch'; seq: number; buf: Uint8Array; offsets: Int32Array; lines: Int32Array }
  | { type: 'finish' };

export type BatchReply =
  | { type: 'ready' }
  | { type: 'batch'; seq: number; kept: string; keptCount: number; rejects: string; rejectedCount: number; reasons: Record<string, number> }
  | { type: 'counters'; counters: Counters }
  | { type: 'error'; message: string; code?: PipelineErrorCode; issues?: readonly Issue[] };
