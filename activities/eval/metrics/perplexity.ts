/**
 * Corpus perplexity from per-document log-likelihoods (natural log), weighted by tokens as
 * lm-evaluation-harness's `loglikelihood_rolling` metrics: token perplexity exp(-sum ll / sum tokens),
 * and bits per byte -sum ll / (sum bytes * ln 2), which compares models with different tokenisers.
 */
export interface RollingScore {
  loglik: number;
  tokens: number;
  bytes: number;
}

export function corpusPerplexity(docs: readonly RollingScore[]): { perplexity: number; bitsPerByte: number; tokens: number } {
  let ll = 0;
  let tokens = 0;
  let bytes = 0;
  for (const d of docs) {
    ll += d.loglik;
    tokens += d.tokens;
    bytes += d.bytes;
  }
  return { ...fromSums(ll, tokens, bytes), tokens };
}

/** Both statistics from the summed log-likelihood, tokens and bytes (the paired bootstrap sums resamples itself). */
export function fromSums(loglik: number, tokens: number, bytes: number): { perplexity: number; bitsPerByte: number } {
  return {
    perplexity: tokens === 0 ? NaN : Math.exp(-loglik / tokens),
    bitsPerByte: bytes === 0 ? NaN : -loglik / (bytes * Math.LN2),
  };
}
