import path from 'node:path';
import { sha256File } from '../../core/artifacts/hash.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { defineStep, type StepContext, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { readRecords, RecordsWriter, writeJsonArtifact } from '../../core/stage/records-io.js';
import { parseGsm8k, type Gsm8kDoc } from './benchmarks/gsm8k.js';
import { parseHumanEval } from './benchmarks/humaneval.js';
import { parseGenericMc, parseHellaswag, parseTruthfulqa, type McDoc } from './benchmarks/multiple-choice.js';
import { readBenchmarkFile, type Located } from './benchmarks/read.js';
import { engineOptionsOf, LlamaEngine } from './llm/engine.js';
import { CypherChecker } from './metrics/cypher.js';
import { evaluateOptions, type EvaluateOptions } from './options.js';
import { requireChatTemplate } from '../prompts/chat-template.js';
import { NgramIndex } from './contamination.js';
import { buildRows, type Contamination, type EvalReport, type ModelScores } from './result.js';
import { delimiter, toExample, type Example } from './tasks/examples.js';
import { CONFIDENCE } from './stats/paired.js';
import { scoreModel, type EvalPlan } from './tasks/score-model.js';

/**
 * Scores the tuned model, and the base model when given, with the same prompts and settings: task
 * metrics on the held-out test split and standard benchmarks from local lm-eval-format files.
 * Writes the `eval` report (result.ts) and the per-example predictions.
 */
export const evaluateStep = defineStep({
  kind: 'evaluate',
  description: 'Evaluate GGUF models (base vs tuned): test-split metrics, log-likelihood scoring and standard benchmarks',
  module: import.meta.url,
  profile: 'gpu',
  paths: {
    'benchmarks.gsm8k.path': 'read',
    'benchmarks.gsm8k.fewshotPath': 'read',
    'benchmarks.hellaswag.path': 'read',
    'benchmarks.hellaswag.fewshotPath': 'read',
    'benchmarks.truthfulqa.path': 'read',
    'benchmarks.multipleChoice.*.path': 'read',
    'benchmarks.multipleChoice.*.fewshotPath': 'read',
    'benchmarks.humaneval.path': 'read',
  },
  inputs: {
    tuned: { kind: 'model' },
    base: { kind: 'model', optional: true },
    test: { kind: 'records', optional: true },
    fewshot: { kind: 'records', optional: true },
    /** Training data (the train split or the mix output): checked for n-gram overlap with the test split. */
    train: { kind: 'records', optional: true },
  },
  outputs: { report: 'report', predictions: 'records' },
  options: evaluateOptions,
  timeouts: { heartbeatMs: 60_000 },
  silenceMs: MODEL_SILENCE_MS,
  async fingerprint(options) {
    // Benchmark files live outside the store: their digests are part of the cache key.
    const b = options.benchmarks;
    const files = [b.gsm8k?.path, b.gsm8k?.fewshotPath, b.hellaswag?.path, b.hellaswag?.fewshotPath, b.truthfulqa?.path, b.humaneval?.path];
    for (const mc of b.multipleChoice) files.push(mc.path, mc.fewshotPath);
    const digests = await Promise.all(
      files.filter((f): f is string => !!f).map(async (f) => (await sha256File(path.resolve(f)).catch(() => ({ sha256: 'missing' }))).sha256),
    );
    return digests.join(',');
  },
  async run(ctx, inputs, options) {
    // An empty test split (a small input: 5% of 12 records is none) scores NaN everywhere; say so
    // instead of writing a report that no gate can judge.
    if (inputs.test && (inputs.test.records === 0 || inputs.test.bytes === 0) && !hasBenchmarks(options)) {
      throw new PipelineError('INVALID_INPUT_DATA', 'evaluate: the test split is empty (0 records); give the pipeline more data or a larger test ratio', [{ path: 'inputs.test', message: 'empty' }]);
    }
    if (!inputs.test && !hasBenchmarks(options)) {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'evaluate has nothing to score: give it a `test` input or at least one benchmark', [
        { path: 'options.benchmarks', message: 'no test split and no benchmark' },
      ]);
    }
    if (options.test?.cypherSchema && !ctx.config.neo4j) {
      throw new PipelineError('CONFIG', 'evaluate: test.cypherSchema is checked by EXPLAIN on a Neo4j: set NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD) on the worker', [
        { path: 'options.test.cypherSchema', message: 'NEO4J_URI is not set' },
      ]);
    }
    const { plan, skipped, testRecords } = await buildPlan(ctx, inputs, options);
    const contamination = inputs.train ? await contaminationOf(ctx, inputs.train, testRecords, options.contamination.n) : undefined;
    const predictions = await RecordsWriter.open(ctx.store);
    const cypher = new CypherChecker(ctx.config, options.test?.cypherSchema);
    const models: { label: 'base' | 'tuned'; ref: ArtifactRef }[] = [];
    if (inputs.base) models.push({ label: 'base', ref: inputs.base });
    models.push({ label: 'tuned', ref: inputs.tuned });
    const scores: Partial<Record<'base' | 'tuned', ModelScores>> = {};
    try {
      for (const { label, ref } of models) {
        let task = '';
        let total = 0;
        const engine = await LlamaEngine.open(await ctx.store.localPath(ref), {
          ...engineOptionsOf(options.engine),
          specialTokens: options.test?.prompt === 'chat-template',
          signal: ctx.signal,
          hardware: ctx.hardware,
          onProgress: (done) => ctx.heartbeat({ done, total, unit: 'requests', message: task }),
        });
        try {
          scores[label] = await scoreModel(
            engine,
            label,
            plan,
            {
              cypher,
              signal: ctx.signal,
              onPrediction: (row) => predictions.write(row),
              onTask: (name, n) => {
                task = name;
                total = n;
                ctx.heartbeat({ done: 0, total: n, unit: 'requests', message: name });
              },
            },
            { label, sha256: ref.sha256, bytes: ref.bytes, uri: ref.uri },
          );
        } finally {
          await engine.close();
        }
      }
    } catch (err) {
      await predictions.abort();
      throw err;
    } finally {
      await cypher.close();
    }
    const tuned = scores.tuned!;
    const report: EvalReport = {
      schema: 'eval',
      version: 1,
      phase: options.phase,
      settings: settingsOf(options, plan),
      metrics: buildRows(tuned, scores.base, options.paired),
      models: { tuned, ...(scores.base ? { base: scores.base } : {}) },
      skipped,
      ...(contamination ? { contamination } : {}),
    };
    const reportRef = await writeJsonArtifact(ctx.store, report, 'report', 'eval');
    const predictionsRef = await predictions.commit('eval-predictions');
    const summary = Object.fromEntries(report.metrics.map((m) => [m.name, { tuned: m.tuned, ...(m.base !== undefined ? { base: m.base, delta: m.delta } : {}) }]));
    return {
      outputs: { report: reportRef, predictions: predictionsRef },
      metadata: { phase: options.phase, metrics: summary, skipped, ...(contamination ? { contamination: { n: contamination.n, share: contamination.share, contaminated: contamination.contaminated } } : {}) },
    };
  },
});

function hasBenchmarks(o: EvaluateOptions): boolean {
  const b = o.benchmarks;
  return !!(b.gsm8k || b.hellaswag || b.truthfulqa || b.humaneval || b.multipleChoice.length > 0);
}

function settingsOf(o: EvaluateOptions, plan: EvalPlan): Record<string, unknown> {
  return {
    test: o.test ? { ...o.test, schema: o.test.schema === undefined ? undefined : '(given)', examples: plan.test?.examples.length ?? 0 } : undefined,
    benchmarks: o.benchmarks,
    engine: o.engine,
    paired: { ...o.paired, confidence: CONFIDENCE, binary: 'McNemar exact p, Newcombe (1998) method 10 interval', other: 'paired percentile bootstrap' },
    decoding: 'greedy (temperature 0)',
  };
}

/** Few-shot documents: from their own file, else the first `n` of the evaluation file (which then skips them). */
async function withShots<T>(file: string, fewshotPath: string | undefined, n: number, limit: number | undefined, parse: (d: Located<Record<string, unknown>>) => T) {
  const shotsFromFile = fewshotPath ? (await readBenchmarkFile(fewshotPath, n)).map(parse) : undefined;
  const docs = (await readBenchmarkFile(file, limit === undefined ? undefined : limit + (shotsFromFile ? 0 : n))).map(parse);
  if (shotsFromFile) return { shots: shotsFromFile, docs };
  return { shots: docs.slice(0, n), docs: docs.slice(n) };
}

async function buildPlan(
  ctx: StepContext,
  inputs: { tuned: ArtifactRef; test?: ArtifactRef | undefined; fewshot?: ArtifactRef | undefined },
  o: EvaluateOptions,
): Promise<{ plan: EvalPlan; skipped: Record<string, number>; testRecords: unknown[] }> {
  const plan: EvalPlan = { mc: [] };
  const skipped: Record<string, number> = {};
  // The records behind the evaluated examples, as stored: the contamination check reads their fields.
  const testRecords: unknown[] = [];
  if (o.test && !inputs.test) throw new PipelineError('INVALID_STEP_OPTIONS', 'options.test is set but the step has no `test` input');
  if (inputs.test) {
    const t = o.test ?? evaluateOptions.shape.test.unwrap().parse({});
    const examples: Example[] = [];
    const chat = t.prompt === 'chat-template' ? await requireChatTemplate(await ctx.store.localPath(inputs.tuned), 'evaluate', 'options.test.prompt') : undefined;
    for await (const { value } of readRecords(ctx.store, inputs.test)) {
      const r = toExample(value, t.template, chat);
      if (r.ok) {
        examples.push(r.example);
        testRecords.push(value);
      } else skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
      if (t.limit !== undefined && examples.length >= t.limit) break;
    }
    let prefix = '';
    if (t.fewShot > 0) {
      if (!inputs.fewshot) throw new PipelineError('INVALID_STEP_OPTIONS', 'test.fewShot > 0 needs a `fewshot` input (e.g. the train split)');
      const shots: string[] = [];
      for await (const { value } of readRecords(ctx.store, inputs.fewshot)) {
        const r = toExample(value, t.template, chat);
        if (r.ok && r.example.text === undefined) shots.push(r.example.prompt + delimiter(r.example.prompt) + r.example.reference);
        if (shots.length >= t.fewShot) break;
      }
      prefix = shots.map((s) => s + '\n\n').join('');
    }
    plan.test = {
      examples,
      prefix,
      metrics: t.metrics,
      normalise: t.normalise,
      maxTokens: t.maxTokens,
      stop: t.stop,
      ...(t.labels ? { labels: t.labels } : {}),
      ...(t.schema !== undefined ? { schema: t.schema } : {}),
    };
  }
  const b = o.benchmarks;
  if (b.gsm8k) {
    const { shots, docs } = await withShots<Gsm8kDoc>(b.gsm8k.path, b.gsm8k.fewshotPath, b.gsm8k.fewShot, b.gsm8k.limit, parseGsm8k);
    plan.gsm8k = { docs, shots, maxTokens: b.gsm8k.maxTokens };
  }
  if (b.hellaswag) {
    const { shots, docs } = await withShots<McDoc>(b.hellaswag.path, b.hellaswag.fewshotPath, b.hellaswag.fewShot, b.hellaswag.limit, parseHellaswag);
    plan.mc.push({ name: 'hellaswag', docs, shots, metrics: ['acc', 'acc_norm'] });
  }
  if (b.truthfulqa) {
    const raw = await readBenchmarkFile(b.truthfulqa.path, b.truthfulqa.limit);
    for (const which of b.truthfulqa.tasks) {
      plan.mc.push({ name: `truthfulqa_${which}`, docs: raw.map((d) => parseTruthfulqa(d, which)), shots: [], metrics: [which === 'mc1' ? 'acc' : 'mc2'] });
    }
  }
  for (const mc of b.multipleChoice) {
    const { shots, docs } = await withShots<McDoc>(mc.path, mc.fewshotPath, mc.fewShot, mc.limit, parseGenericMc);
    plan.mc.push({ name: mc.name, docs, shots, metrics: ['acc', 'acc_norm'] });
  }
  if (b.humaneval) {
    if (!b.humaneval.allowCodeExecution) {
      throw new PipelineError('INVALID_STEP_OPTIONS', 'humaneval runs model-generated code: set benchmarks.humaneval.allowCodeExecution to true to allow it', [
        { path: 'options.benchmarks.humaneval.allowCodeExecution', message: 'must be true to run HumanEval' },
      ]);
    }
    const docs = (await readBenchmarkFile(b.humaneval.path, b.humaneval.limit)).map(parseHumanEval);
    plan.humaneval = {
      docs,
      maxTokens: b.humaneval.maxTokens,
      limits: { timeoutMs: b.humaneval.timeoutMs, memoryBytes: b.humaneval.memoryMb * 1024 * 1024, python: b.humaneval.python },
      workDir: ctx.workDir,
    };
  }
  return { plan, skipped, testRecords };
}

async function contaminationOf(ctx: StepContext, train: ArtifactRef, testRecords: unknown[], n: number): Promise<Contamination> {
  ctx.heartbeat({ done: 0, total: train.records ?? 0, unit: 'records', message: 'contamination: indexing train n-grams' });
  const index = new NgramIndex(n);
  for await (const { value } of readRecords(ctx.store, train)) index.add(value);
  return index.check(testRecords);
}

