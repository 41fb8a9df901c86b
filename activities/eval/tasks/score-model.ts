import type { LlamaEngine } from '../llm/engine.js';
import type { GenerateItem, LoglikItem } from '../llm/protocol.js';
import { gsm8kRequests, gsm8kScore, type Gsm8kDoc } from '../benchmarks/gsm8k.js';
import { humanEvalExecute, humanEvalRequests, type HumanEvalDoc } from '../benchmarks/humaneval.js';
import { mcRequests, mcScore, type McDoc } from '../benchmarks/multiple-choice.js';
import type { SandboxLimits } from '../benchmarks/sandbox.js';
import { classificationReport, matchLabel } from '../metrics/classification.js';
import type { CypherChecker } from '../metrics/cypher.js';
import { SchemaChecker } from '../metrics/json.js';
import { corpusPerplexity } from '../metrics/perplexity.js';
import { PREDICTION_METRIC_NAMES, PREDICTION_METRICS, type PredictionMetric, type PredictionMetricName } from '../metrics/prediction-metrics.js';
import type { Normalisation } from '../metrics/text.js';
import type { ModelScores, PerExample } from '../result.js';
import { binary, meanOf } from '../stats/compare.js';
import type { Example } from './examples.js';
import { perplexityDocs } from './perplexity.js';

/** A prediction metric (metrics/prediction-metrics.ts), or one scored over the whole set. */
export type TestMetric = PredictionMetricName | 'classification' | 'perplexity';

/** Everything one model is scored on; built once so that base and tuned see identical prompts. */
export interface EvalPlan {
  test?: {
    examples: Example[];
    /** Few-shot prefix (rendered examples with their references), the same for every prompt. */
    prefix: string;
    metrics: TestMetric[];
    normalise: Normalisation | 'auto';
    maxTokens: number;
    stop: string[];
    labels?: string[];
    schema?: unknown;
  };
  gsm8k?: { docs: Gsm8kDoc[]; shots: Gsm8kDoc[]; maxTokens: number };
  mc: { name: string; docs: McDoc[]; shots: McDoc[]; metrics: ('acc' | 'acc_norm' | 'mc1' | 'mc2')[] }[];
  humaneval?: { docs: HumanEvalDoc[]; maxTokens: number; limits: SandboxLimits; workDir: string };
}

export interface ScoreHooks {
  cypher: CypherChecker;
  /** Prediction rows for the predictions artifact (text stays in artifacts, never in metadata). */
  onPrediction(row: Record<string, unknown>): Promise<void>;
  onTask(task: string, total: number): void;
  signal: AbortSignal;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export async function scoreModel(engine: LlamaEngine, label: 'base' | 'tuned', plan: EvalPlan, hooks: ScoreHooks, model: ModelScores['model']): Promise<ModelScores> {
  const out: ModelScores = { model, metrics: {}, n: {}, timings: {} };
  const set = (name: string, value: number, n: number, perExample?: PerExample): void => {
    out.metrics[name] = value;
    out.n[name] = n;
    // Kept for the paired intervals: base and tuned see the same examples in the same order.
    if (perExample) (out.perExample ??= {})[name] = perExample;
  };
  const timed = async <T>(task: string, total: number, fn: () => Promise<T>): Promise<T> => {
    hooks.onTask(`${label} ${task}`, total);
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      out.timings[task] = Date.now() - t0;
    }
  };

  if (plan.test) {
    const t = plan.test;
    const gen = t.examples.filter((e) => e.text === undefined);
    const wantsGeneration = t.metrics.some((m) => m !== 'perplexity');
    if (wantsGeneration && gen.length > 0) {
      const items: GenerateItem[] = gen.map((e) => ({ prompt: t.prefix + e.prompt, maxTokens: t.maxTokens, stop: t.stop }));
      const results = await timed('test.generate', items.length, () => engine.generate(items));
      const preds = results.map((r) => r.text.trim());
      const context = { normalise: t.normalise, schema: t.schema, schemas: new SchemaChecker(), cypher: hooks.cypher };
      const wanted = PREDICTION_METRIC_NAMES.filter((name) => t.metrics.includes(name));
      const values = new Map(wanted.map((name) => [name, [] as number[]]));
      for (let i = 0; i < gen.length; i++) {
        const e = gen[i]!;
        const p = preds[i]!;
        const row: Record<string, unknown> = { model: label, task: 'test', ...(e.id ? { id: e.id } : {}), prediction: p, reference: e.reference };
        for (const name of wanted) {
          const metric: PredictionMetric = PREDICTION_METRICS[name];
          const s = await metric.score(p, e, context);
          if (!s) continue;
          values.get(name)!.push((row[name] = s.value));
          Object.assign(row, s.explain);
        }
        await hooks.onPrediction(row);
      }
      for (const [name, v] of values) if (v.length) set(`test.${name}`, mean(v), v.length, PREDICTION_METRICS[name].paired(v));
      if (t.metrics.includes('classification')) {
        const labels = t.labels ?? [...new Set(gen.map((e) => e.reference.trim()))].sort();
        const pairs = gen.map((e, i) => ({ prediction: matchLabel(preds[i]!, labels), reference: e.reference.trim() }));
        const report = classificationReport(pairs, labels);
        out.classification = report;
        set('test.accuracy', report.accuracy, report.total, binary(pairs.map((p) => (p.prediction === p.reference ? 1 : 0))));
        set('test.macro_f1', report.macroF1, report.total);
      }
    }
    if (t.metrics.includes('perplexity')) {
      const docs = await timed('test.perplexity', t.examples.length, () => perplexityDocs(engine, t.examples, t.prefix));
      const ppl = corpusPerplexity(docs);
      (out.rolling ??= {}).test = docs;
      set('test.perplexity', ppl.perplexity, docs.length, { kind: 'corpus', statistic: 'perplexity', rolling: 'test' });
      set('test.bits_per_byte', ppl.bitsPerByte, docs.length, { kind: 'corpus', statistic: 'bits_per_byte', rolling: 'test' });
    }
  }

  if (plan.gsm8k) {
    const g = plan.gsm8k;
    const results = await timed('gsm8k', g.docs.length, () => engine.generate(gsm8kRequests(g.docs, g.shots, g.maxTokens)));
    const s = gsm8kScore(g.docs, results.map((r) => r.text));
    set('gsm8k.exact_match_strict', s.strict, g.docs.length, binary(s.perDoc.strict));
    set('gsm8k.exact_match_flexible', s.flexible, g.docs.length, binary(s.perDoc.flexible));
  }

  for (const mc of plan.mc) {
    const items: LoglikItem[] = mcRequests(mc.docs, mc.shots);
    const results = await timed(mc.name, items.length, () => engine.loglik(items));
    const s = mcScore(mc.docs, results);
    for (const m of mc.metrics) {
      if (m === 'mc2') set(`${mc.name}.mc2`, s.mc2, mc.docs.length, meanOf(s.perDoc.mc2));
      else if (m === 'acc_norm') set(`${mc.name}.acc_norm`, s.accNorm, mc.docs.length, binary(s.perDoc.accNorm));
      else set(`${mc.name}.${m}`, s.acc, mc.docs.length, binary(s.perDoc.acc));
    }
  }

  if (plan.humaneval) {
    const h = plan.humaneval;
    const results = await timed('humaneval', h.docs.length, () => engine.generate(humanEvalRequests(h.docs, h.maxTokens)));
    const r = await humanEvalExecute(h.docs, results.map((x) => x.text), `${h.workDir}/${label}`, h.limits, hooks.signal);
    set('humaneval.pass@1', r.passAt1, h.docs.length, binary(r.passed));
    out.humaneval = r.outcomes;
  }
  return out;
}
