import { z } from 'zod';
import { gain, gainInterval, type EvalReport, type MetricRow } from './result.js';
import { primaryMetric, verdictOf, type Decision, type Verdict } from './verdict.js';

/**
 * Promotion rules, checked against an `eval` report. Gains are in the metric's comparison unit:
 * points (x100) for fractions such as accuracy, raw units for values such as perplexity, and
 * always sign-corrected so that a positive gain is an improvement (perplexity going down gains).
 *
 * - `better`: the tuned model is better on `metric` beyond chance: the lower limit of the paired 95%
 *   interval of the gain (stats/paired.ts: McNemar/Newcombe for 0/1 metrics, bootstrap otherwise)
 *   is above 0, the gain itself reaches `points` (default 0), and at least `minExamples` (default 20)
 *   paired examples were scored: a bootstrap over one example collapses to a point, so a one-example
 *   test split "proved" any gain;
 * - `improves`: tuned >= base + `points` on `metric` (e.g. +5 points of exact match), point estimates only;
 * - `no_regression`: no metric in `metrics` (`others` = every metric not named by an `improves`
 *   rule, `all` = every metric) is worse than base by more than `points`;
 * - `threshold`: the tuned value is at least `min` and/or at most `max` (raw metric value).
 *
 * Whatever the rules, a model is `not promoted` when there is no base model to compare with, or
 * when it scores exactly as the base on every metric: neither shows that training made it better.
 */
/**
 * The fewest paired examples the `better` rule accepts. Percentile-bootstrap intervals undercover
 * below about 20 samples (Efron & Tibshirani 1993, ch. 13), and a McNemar test on fewer than 20
 * pairs can reach p < 0.05 only when nearly every pair moves one way.
 */
export const BETTER_MIN_EXAMPLES = 20;

export const gateRule = z.discriminatedUnion('rule', [
  z
    .object({
      rule: z.literal('better'),
      metric: z.string().min(1),
      points: z.number().nonnegative().default(0),
      minExamples: z
        .number()
        .int()
        .positive()
        .default(BETTER_MIN_EXAMPLES)
        .describe('paired test examples the interval needs before it can promote (a bootstrap over 1 example is a point, not an interval)'),
    })
    .strict(),
  z.object({ rule: z.literal('improves'), metric: z.string().min(1), points: z.number() }).strict(),
  z
    .object({
      rule: z.literal('no_regression'),
      metrics: z.union([z.literal('others'), z.literal('all'), z.array(z.string().min(1)).min(1)]).default('others'),
      points: z.number().nonnegative(),
    })
    .strict(),
  z.object({ rule: z.literal('threshold'), metric: z.string().min(1), min: z.number().optional(), max: z.number().optional() }).strict(),
]);
export type GateRule = z.output<typeof gateRule>;

export interface GateCheck {
  /** A rule's name, or `base` / `changed` for the checks every gate makes. */
  rule: GateRule['rule'] | 'base' | 'changed';
  metric: string;
  passed: boolean;
  /** A sentence a person can read in the run result, with the numbers. */
  reason: string;
}

export interface GateDecision {
  decision: Decision;
  phase: string;
  checks: GateCheck[];
  /** The failed checks' reasons (all checks' when promoted, so the result says why either way). */
  reasons: string[];
  /** The primary metric's figures; absent when the rules name no metric. */
  verdict?: Verdict;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(2));
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${fmt(x)}`;
const shown = (row: MetricRow, v: number): string => (row.unit === 'fraction' ? `${fmt(v * 100)}%` : fmt(v));

/**
 * Why a row has no usable score, if it has none: a test split with no examples, or examples that
 * score no tokens, give NaN or Infinity, which the stored report holds as null. Such a row cannot
 * show an improvement, and formatting it must not throw.
 */
function unscored(row: MetricRow): string | undefined {
  const usable = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  if (usable(row.tuned) && (row.base === undefined || usable(row.base))) return undefined;
  return `no score: the evaluation had ${row.n} test example${row.n === 1 ? '' : 's'} (is the test split empty or too small?)`;
}

export function applyGate(report: EvalReport, rules: readonly GateRule[]): GateDecision {
  const rows = new Map(report.metrics.map((m) => [m.name, m]));
  const checks: GateCheck[] = [];
  const missing = (rule: GateCheck['rule'], metric: string, why: string): void => {
    checks.push({ rule, metric, passed: false, reason: `${metric}: ${why}` });
  };
  const primary = primaryMetric(rules);
  if (!report.models.base) missing('base', primary ?? 'model', 'no base model to compare with: an improvement cannot be shown');
  else if (report.metrics.length > 0 && report.metrics.every((m) => m.delta === 0)) {
    missing('changed', primary ?? 'model', `tuned scores exactly as the base on all ${report.metrics.length} metrics`);
  }
  const improved = new Set(rules.flatMap((r) => (r.rule === 'improves' || r.rule === 'better' ? [r.metric] : [])));
  for (const r of rules) {
    if (r.rule === 'better') {
      const row = rows.get(r.metric);
      if (!row) {
        missing(r.rule, r.metric, `not measured (have: ${[...rows.keys()].join(', ') || 'none'})`);
        continue;
      }
      const noScore = unscored(row);
      if (noScore) {
        missing(r.rule, r.metric, noScore);
        continue;
      }
      const g = gainInterval(row);
      if (!g) {
        missing(r.rule, r.metric, row.base === undefined ? 'no base model score to compare with' : 'no paired interval (the evaluation kept no per-example values for it)');
        continue;
      }
      const unit = row.unit === 'fraction' ? ' points' : '';
      const p = row.paired!.pValue !== undefined ? `, McNemar p=${row.paired!.pValue.toPrecision(2)}` : '';
      const enough = row.paired!.n >= r.minExamples;
      const passed = enough && g.low > 0 && g.gain >= r.points - 1e-9;
      const needs = `needs ${[enough ? undefined : `at least ${r.minExamples} paired examples`, 'the interval above 0', r.points > 0 ? `a gain >= +${fmt(r.points)}` : undefined].filter(Boolean).join(' and ')}`;
      checks.push({
        rule: r.rule,
        metric: r.metric,
        passed,
        reason: `${r.metric}: tuned ${shown(row, row.tuned)} vs base ${shown(row, row.base!)} (gain ${signed(g.gain)}${unit}, 95% CI ${signed(g.low)} to ${signed(g.high)}, n=${row.paired!.n}${p}; ${needs})`,
      });
    } else if (r.rule === 'improves') {
      const row = rows.get(r.metric);
      if (!row) {
        missing(r.rule, r.metric, `not measured (have: ${[...rows.keys()].join(', ') || 'none'})`);
        continue;
      }
      const noScore = unscored(row);
      if (noScore) {
        missing(r.rule, r.metric, noScore);
        continue;
      }
      const g = gain(row);
      if (g === undefined) {
        missing(r.rule, r.metric, 'no base model score to compare with');
        continue;
      }
      const unit = row.unit === 'fraction' ? 'points' : '';
      const passed = g >= r.points - 1e-9;
      checks.push({
        rule: r.rule,
        metric: r.metric,
        passed,
        reason: `${r.metric}: tuned ${shown(row, row.tuned)} vs base ${shown(row, row.base!)} (${g >= 0 ? '+' : ''}${fmt(g)} ${unit}, needs >= +${fmt(r.points)})`.replace('  ', ' '),
      });
    } else if (r.rule === 'no_regression') {
      const names = r.metrics === 'all' ? [...rows.keys()] : r.metrics === 'others' ? [...rows.keys()].filter((n) => !improved.has(n)) : r.metrics;
      for (const name of names) {
        const row = rows.get(name);
        if (!row) {
          missing(r.rule, name, 'not measured');
          continue;
        }
        const noScore = unscored(row);
        if (noScore) {
          missing(r.rule, name, noScore);
          continue;
        }
        const g = gain(row);
        if (g === undefined) continue; // nothing to regress against
        const passed = g >= -r.points - 1e-9;
        const unit = row.unit === 'fraction' ? ' points' : '';
        checks.push({
          rule: r.rule,
          metric: name,
          passed,
          reason: `${name}: tuned ${shown(row, row.tuned)} vs base ${shown(row, row.base!)} (${g >= 0 ? '+' : ''}${fmt(g)}${unit}; may drop at most ${fmt(r.points)})`,
        });
      }
    } else {
      const row = rows.get(r.metric);
      if (!row) {
        missing(r.rule, r.metric, 'not measured');
        continue;
      }
      const noScore = unscored(row);
      if (noScore) {
        missing(r.rule, r.metric, noScore);
        continue;
      }
      const okMin = r.min === undefined || row.tuned >= r.min;
      const okMax = r.max === undefined || row.tuned <= r.max;
      const bounds = [r.min !== undefined ? `>= ${r.min}` : '', r.max !== undefined ? `<= ${r.max}` : ''].filter(Boolean).join(' and ');
      checks.push({ rule: r.rule, metric: r.metric, passed: okMin && okMax, reason: `${r.metric}: tuned ${fmt(row.tuned)} (needs ${bounds})` });
    }
  }
  const failed = checks.filter((c) => !c.passed);
  const decision: Decision = failed.length === 0 ? 'promoted' : 'not promoted';
  const row = primary ? rows.get(primary) : undefined;
  return {
    decision,
    phase: report.phase,
    checks,
    reasons: (failed.length > 0 ? failed : checks).map((c) => c.reason),
    ...(primary ? { verdict: verdictOf(decision, primary, row) } : {}),
  };
}
