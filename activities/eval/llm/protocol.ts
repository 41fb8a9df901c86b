/** Requests from the evaluation engine (in the worker) to its llama.cpp child, a session of the native runner (native/session.ts). */
export interface LoadRequest {
  op: 'load';
  modelPath: string;
  /** Parallel sequences in one context: requests on different sequences share each decode batch. */
  sequences: number;
  contextSize: number;
  batchSize: number;
  threads: number;
  gpu: 'auto' | false;
  /** Parse special-token text (`<|im_start|>`) as those tokens: prompts rendered with a chat template. */
  specialTokens: boolean;
}

export interface GenerateItem {
  prompt: string;
  maxTokens: number;
  stop: string[];
}

export interface LoglikItem {
  context: string;
  continuation: string;
}

export interface RollingItem {
  text: string;
}

export type Request =
  | LoadRequest
  | { op: 'generate'; items: GenerateItem[] }
  | { op: 'loglik'; items: LoglikItem[] }
  | { op: 'rolling'; items: RollingItem[] };

export interface GenerateResult {
  text: string;
  /** Generated tokens. */
  tokens: number;
  /** Tokens the prompt was evaluated as, BOS included (a benchmark sizes its peer's work from them). */
  promptTokens: number;
}

export interface LoglikResult {
  /** Sum of the continuation tokens' natural-log probabilities. */
  loglik: number;
  /** True when every continuation token was the arg-max (lm-eval's `is_greedy`). */
  greedy: boolean;
  tokens: number;
}

export interface RollingResult {
  loglik: number;
  tokens: number;
  bytes: number;
}

export interface LoadResult {
  contextSize: number;
  sequences: number;
  gpu: string | false;
  /** The device the child was pinned to (its CUDA_VISIBLE_DEVICES), as the child sees it. */
  device: string | null;
}
