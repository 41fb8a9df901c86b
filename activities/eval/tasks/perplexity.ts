import type { LlamaEngine } from '../llm/engine.js';
import type { RollingScore } from '../metrics/perplexity.js';
import { delimiter, type Example } from './examples.js';

/**
 * Per-example log-likelihood sums behind test perplexity, in example order: prompt-and-response
 * examples score the response given the prompt (as training's loss does: prompt tokens are not
 * predicted), completion records score their whole text in rolling windows. Shared by the
 * evaluation and the quantization parity check, so that both measure the same text the same way.
 */
export async function perplexityDocs(engine: LlamaEngine, examples: readonly Example[], prefix: string): Promise<RollingScore[]> {
  const cond = examples.filter((e) => e.text === undefined);
  const plain = examples.filter((e) => e.text !== undefined);
  const lls = cond.length ? await engine.loglik(cond.map((e) => ({ context: prefix + e.prompt, continuation: delimiter(e.prompt) + e.reference }))) : [];
  const rolled = plain.length ? await engine.rolling(plain.map((e) => ({ text: e.text! }))) : [];
  return [
    ...lls.map((r, i) => ({ loglik: r.loglik, tokens: r.tokens, bytes: Buffer.byteLength(delimiter(cond[i]!.prompt) + cond[i]!.reference) })),
    ...rolled.map((r) => ({ loglik: r.loglik, tokens: r.tokens, bytes: r.bytes })),
  ];
}
