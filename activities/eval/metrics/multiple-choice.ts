/**
 * Multiple-choice scoring from log-likelihoods, as lm-evaluation-harness's `multiple_choice` output
 * type: `acc` picks the choice with the highest total log-likelihood; `acc_norm` divides each by the
 * choice's length in characters (`len(choice)`, the choice text without the target delimiter).
 * TruthfulQA's `mc2` is the normalised probability mass on the true answers.
 */
export interface ChoiceScore {
  /** Sum of the continuation's token log-probabilities. */
  loglik: number;
  /** The choice's text (its character length normalises acc_norm). */
  text: string;
}

export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export function multipleChoiceAcc(choices: readonly ChoiceScore[], gold: number): { acc: number; accNorm: number; pred: number; predNorm: number } {
  const pred = argmax(choices.map((c) => c.loglik));
  const predNorm = argmax(choices.map((c) => c.loglik / Math.max(1, c.text.length)));
  return { acc: pred === gold ? 1 : 0, accNorm: predNorm === gold ? 1 : 0, pred, predNorm };
}

/**
 * TruthfulQA mc2 (lm-eval's `process_results_mc2`): labels are 1 for true answers, 0 for false,
 * true ones first; returns sum(p_true) / (sum(p_true) + sum(p_false)) with p = exp(loglik).
 */
export function truthfulqaMc2(logliks: readonly number[], labels: readonly number[]): number {
  const split = labels.indexOf(0);
  const cut = split === -1 ? labels.length : split;
  // Shift by the max before exp: the ratio is unchanged and long answers do not underflow to 0/0.
  const max = Math.max(...logliks);
  const p = logliks.map((l) => Math.exp(l - max));
  const pTrue = p.slice(0, cut).reduce((a, b) => a + b, 0);
  const all = p.reduce((a, b) => a + b, 0);
  return all === 0 ? 0 : pTrue / all;
}
