/**
 * The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on
 * Code", the HumanEval paper): 1 - C(n-c, k) / C(n, k) for n samples of which c pass, computed as a
 * product for numerical stability. With one greedy sample per problem, pass@1 is the pass rate.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}
