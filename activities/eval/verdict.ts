import type { GateRule } from './gate.js';
import type { MetricRow, PairedStat } from './result.js';

export type Decision = 'promoted' | 'not promoted';

/**
 * The gate's answer on the pipeline's primary metric, with the figures a person checks first: the
 * two scores, tuned - base in the row's comparison unit (points for fractions, raw for values; not
 * sign-corrected, so a lower perplexity has a negative delta) and its 95% paired interval.
 * Figures the evaluation could not give (no base, no per-example values) are absent.
 */
export interface Verdict {
  decision: Decision;
  metric: string;
  unit?: MetricRow['unit'];
  higherIsBetter?: boolean;
  base?: number;
  tuned?: number;
  delta?: number;
  low?: number;
  high?: number;
  n?: number;
  method?: PairedStat['method'];
  pValue?: number;
}

/** The metric a pipeline is judged on: the first `better` or `improves` rule's, else the first `threshold` rule's. */
export function primaryMetric(rules: readonly GateRule[]): string | undefined {
  for (const r of rules) if (r.rule === 'better' || r.rule === 'improves') return r.metric;
  for (const r of rules) if (r.rule === 'threshold') return r.metric;
  return undefined;
}

export function verdictOf(decision: Decision, metric: string, row: MetricRow | undefined): Verdict {
  if (!row) return { decision, metric };
  const p = row.paired;
  return {
    decision,
    metric,
    unit: row.unit,
    higherIsBetter: row.higherIsBetter,
    ...(row.base !== undefined ? { base: row.base } : {}),
    tuned: row.tuned,
    ...(row.delta !== undefined ? { delta: row.delta } : {}),
    ...(p ? { low: p.low, high: p.high, n: p.n, method: p.method, ...(p.pValue !== undefined ? { pValue: p.pValue } : {}) } : { n: row.n }),
  };
}
