import type { JsonSchema } from '../types.js';

/** Messages between the local provider and its llama.cpp child process. */
export interface LocalInit {
  type: 'init';
  modelPath: string;
  gpu: 'auto' | 'cpu';
  sequences: number;
  contextSize: number;
  temperature: number;
  threads: number;
  seed: number;
}

export interface LocalJob {
  type: 'job';
  id: string;
  system: string;
  user: string;
  schema: JsonSchema;
  maxTokens: number;
}

export type ToChild = LocalInit | LocalJob | { type: 'close' };

export type FromChild =
  | { type: 'ready'; gpu: string | false; sequences: number }
  | { type: 'result'; id: string; ok: true; text: string; inputTokens: number; outputTokens: number; truncated: boolean }
  | { type: 'result'; id: string; ok: false; error: string; inputTokens: number; outputTokens: number }
  | { type: 'fatal'; error: string };
