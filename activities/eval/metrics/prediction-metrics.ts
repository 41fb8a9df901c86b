import type { PerExample } from '../result.js';
import { binary, meanOf } from '../stats/compare.js';
import type { Example } from '../tasks/examples.js';
import type { CypherChecker } from './cypher.js';
import { jsonValid, type SchemaChecker } from './json.js';
import { exactMatch, rougeL, type Normalisation } from './text.js';

/** What a metric may use besides the prediction and its example: the test's options and shared checkers. */
export interface ScoringContext {
  normalise: Normalisation | 'auto';
  /** The test's JSON Schema, for examples that carry none. */
  schema: unknown;
  schemas: SchemaChecker;
  cypher: CypherChecker;
}

/** One prediction's score, with fields for its prediction row that say why it failed. */
export interface Scored {
  value: number;
  explain?: Record<string, unknown>;
}

/**
 * A metric scored on every generated prediction of an evaluation's `test` set, reported as
 * `test.<name>`: the mean over the examples it scored (an example it returns undefined for is not
 * counted). `paired` is how base and tuned are compared on the same examples (stats/compare.ts):
 * `binary` (McNemar, Newcombe interval) for 0/1 scores, `meanOf` (paired bootstrap) for graded ones.
 * Values are fractions in [0, 1], higher better, shown in points (result.ts `metricInfo`).
 */
export interface PredictionMetric {
  paired: (values: number[]) => PerExample;
  score(prediction: string, example: Example, c: ScoringContext): Scored | undefined | Promise<Scored | undefined>;
}

/**
 * Every prediction metric, in the order their fields appear in a prediction row. Adding a metric is
 * one entry here: the evaluate step's `test.metrics` option accepts its name (options.ts) and the
 * scoring loop (tasks/score-model.ts) runs it.
 */
export const PREDICTION_METRICS = {
  exact_match: { paired: binary, score: (p, e, c) => ({ value: exactMatch(p, e.reference, c.normalise === 'auto' ? autoNormalise(e.reference) : c.normalise) }) },
  json_valid: { paired: binary, score: (p) => ({ value: jsonValid(p) }) },
  schema_valid: {
    paired: binary,
    score(p, e, c) {
      const schema = e.schema ?? c.schema;
      if (schema === undefined) return undefined;
      const v = c.schemas.check(p, schema);
      return { value: v.valid ? 1 : 0, ...(v.valid ? {} : { explain: { schema_error: v.reason } }) };
    },
  },
  cypher_valid: {
    paired: binary,
    async score(p, _e, c) {
      const v = await c.cypher.check(p);
      return { value: v.valid ? 1 : 0, explain: { ...(v.valid ? {} : { cypher_error: v.reason }), ...(v.warnings ? { cypher_warnings: v.warnings } : {}) } };
    },
  },
  rouge_l: { paired: meanOf, score: (p, e) => ({ value: rougeL(p, e.reference).f1 }) },
} satisfies Record<string, PredictionMetric>;

export type PredictionMetricName = keyof typeof PREDICTION_METRICS;
export const PREDICTION_METRIC_NAMES = Object.keys(PREDICTION_METRICS) as PredictionMetricName[];

/** Canonical JSON comparison when the reference is JSON, else `basic` text normalisation (text.ts). */
function autoNormalise(reference: string): Normalisation {
  const t = reference.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t);
      return 'json';
    } catch {
      /* not JSON: compare as text */
    }
  }
  return 'basic';
}
