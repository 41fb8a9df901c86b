import type { JsonSchema } from '../types.js';

/** Requests from the local provider to its llama.cpp child, a session of the native runner (native/session.ts). */
export interface LocalLoad {
  op: 'load';
  modelPath: string;
  gpu: 'auto' | 'cpu';
  sequences: number;
  contextSize: number;
  temperature: number;
  threads: number;
  seed: number;
}

export interface LocalLoaded {
  gpu: string | false;
  sequences: number;
}

export interface LocalJob {
  op: 'job';
  id: string;
  system: string;
  user: string;
  schema: JsonSchema;
  maxTokens: number;
}

export type LocalJobResult =
  | { ok: true; text: string; inputTokens: number; outputTokens: number; truncated: boolean }
  | { ok: false; error: string; inputTokens: number; outputTokens: number };
