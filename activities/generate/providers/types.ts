import type { JsonSchema } from '../types.js';

/** One generation request: a deterministic id, the prompt, and the JSON Schema the reply must match. */
export interface GenRequest {
  id: string;
  family: string;
  system: string;
  user: string;
  schema: JsonSchema;
  maxTokens: number;
  /** Template provider only: the reply, computed deterministically. */
  templateReply?: () => Record<string, unknown>;
}

/** Provider-level failure codes (they become reject reasons once the retry budget is spent). */
export type ProviderFailure = 'provider_error' | 'truncated' | 'batch_errored' | 'batch_expired' | 'batch_canceled' | 'refused';

export type GenResult =
  | { id: string; ok: true; text: string; inputTokens: number; outputTokens: number }
  | { id: string; ok: false; reason: ProviderFailure; detail: string; inputTokens: number; outputTokens: number; billed: boolean };

/** A submitted Message Batch: its id and the request ids it holds (ids only, never text). */
export interface BatchRecord {
  batchId: string;
  ids: string[];
}

export interface ProviderIO {
  signal: AbortSignal;
  /** Reserves budget for a request; false stops further dispatch. */
  admit(req: GenRequest): { ok: true; token: number } | { ok: false };
  /** Reports a result (exactly once per admitted request, with its admission token). */
  onResult(result: GenResult, token: number): Promise<void>;
  /** Batch providers record a batch the moment it exists, before waiting on it. */
  onBatchCreated(batch: BatchRecord): Promise<void>;
  onBatchConsumed(batchId: string): Promise<void>;
  progress(message: string): void;
}

export interface Provider {
  readonly name: 'anthropic' | 'local' | 'template';
  /** Message Batches bill at a discount. */
  readonly priceFactor: number;
  readonly model: string;
  run(requests: GenRequest[], io: ProviderIO): Promise<void>;
  /** Reads the results of batches an earlier attempt submitted (batch providers only). */
  resume?(batches: BatchRecord[], io: ProviderIO): Promise<void>;
  close(): Promise<void>;
}
