import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import { getRun } from '../../core/client/runs.js';
import { LocalArtifactStore } from '../../core/artifacts/local-store.js';
import { statePaths } from '../../core/config.js';
import { readJsonArtifact, readRecords } from '../../core/stage/records-io.js';
import type { RunState } from '../../core/workflow-safe/run-state.js';
import type { EvalReport } from '../../activities/eval/result.js';
import { Client, Connection } from '@temporalio/client';
import { cli, startWorker, testEnv, type RunningWorker } from '../support/harness.js';

/**
 * The whole evaluation path on the embedded Temporal: two real tiny GGUF models scored side by side
 * on a test split and every benchmark family, two promotion gates (one must promote, one must
 * reject), and the HTML report, whose path the CLI prints.
 */
let env: NodeJS.ProcessEnv;
let worker: RunningWorker;
let state: RunState;
let stdout: string;

beforeAll(async () => {
  env = await testEnv();
  worker = await startWorker(env);
  const runId = `eval-e2e-${process.pid}-${Date.now()}`;
  const res = await cli(['run', 'eval-e2e', '--wait', '--id', runId], env, 900_000);
  stdout = res.stdout;
  if (res.code !== 0) throw new Error(`run failed (${res.code}): ${res.stdout}\n${res.stderr}`);
  // The run's own server and namespace (the shared services file may since name another test run's server).
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  try {
    state = (await getRun(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE! }), runId)).state!;
  } finally {
    await connection.close();
  }
}, 900_000);

afterAll(async () => {
  await worker?.stop();
});

const step = (id: string) => state.steps.find((s) => s.id === id)!;

describe('evaluate, promote and report in a real run', () => {
  it('scores base and tuned on the same metrics, from one eval report artifact', async () => {
    expect(state.status).toBe('succeeded');
    const ev = step('eval');
    const ref = ev.outputs.report!;
    expect(ref).toMatchObject({ kind: 'report', schema: 'eval' });
    const store = new LocalArtifactStore(statePaths(env.FORGELINE_HOME!).artifacts);
    const report = await readJsonArtifact<EvalReport>(store, ref);
    const names = report.metrics.map((m) => m.name);
    expect(names).toEqual([
      'gsm8k.exact_match_flexible',
      'gsm8k.exact_match_strict',
      'hellaswag.acc',
      'hellaswag.acc_norm',
      'humaneval.pass@1',
      'test.bits_per_byte',
      'test.cypher_valid',
      'test.exact_match',
      'test.json_valid',
      'test.perplexity',
      'test.rouge_l',
      'test.schema_valid',
      'toy_mc.acc',
      'toy_mc.acc_norm',
      'truthfulqa_mc1.acc',
      'truthfulqa_mc2.mc2',
    ]);
    const n = Object.fromEntries(report.metrics.map((m) => [m.name, m.n]));
    // 7 test records: 5 answerable (4 instruction/task + 1 chat), 1 completion (perplexity only), 1 without output.
    expect(n).toMatchObject({ 'test.exact_match': 5, 'test.schema_valid': 1, 'test.perplexity': 6, 'gsm8k.exact_match_strict': 2, 'hellaswag.acc': 2, 'toy_mc.acc': 3, 'humaneval.pass@1': 2, 'truthfulqa_mc2.mc2': 1 });
    expect(report.skipped).toEqual({ no_reference: 1 });
    for (const m of report.metrics) {
      expect(m.base).toBeDefined();
      if (m.unit === 'fraction') {
        for (const v of [m.base!, m.tuned]) expect(v >= 0 && v <= 1).toBe(true);
        expect(m.delta).toBeCloseTo((m.tuned - m.base!) * 100, 9);
      }
    }
    const ppl = report.metrics.find((m) => m.name === 'test.perplexity')!;
    // Random 320-token models: perplexity of the order of the vocabulary, and the two models differ.
    expect(ppl.tuned).toBeGreaterThan(50);
    expect(ppl.tuned).toBeLessThan(2000);
    expect(ppl.tuned).not.toBeCloseTo(ppl.base!, 3);
    expect(report.models.base!.model.sha256).toBe(step('base').outputs.model!.sha256);
    expect(report.models.tuned.model.sha256).toBe(step('q8').outputs.model!.sha256);
    // A random model writes neither Cypher nor a passing function.
    expect(report.metrics.find((m) => m.name === 'humaneval.pass@1')!.tuned).toBe(0);
    const preds: Record<string, unknown>[] = [];
    for await (const { value } of readRecords(store, ev.outputs.predictions!)) preds.push(value);
    expect(preds.filter((p) => p.model === 'base')).toHaveLength(5);
    expect(preds.filter((p) => p.model === 'tuned')).toHaveLength(5);
    // Every metric of both models has its paired interval around the difference.
    for (const m of report.metrics) {
      expect({ name: m.name, paired: !!m.paired }).toEqual({ name: m.name, paired: true });
      expect(m.paired!.method).toBe(['test.rouge_l', 'test.perplexity', 'test.bits_per_byte', 'truthfulqa_mc2.mc2'].includes(m.name) ? 'bootstrap' : 'mcnemar');
      expect(m.paired!.n).toBe(m.n);
      expect(m.paired!.delta).toBeCloseTo(m.delta!, 6);
      expect(m.paired!.low).toBeLessThanOrEqual(m.paired!.delta + 1e-9);
      expect(m.paired!.high).toBeGreaterThanOrEqual(m.paired!.delta - 1e-9);
    }
    // The test split given as training data contaminates every example that holds a 4-gram.
    const c = report.contamination!;
    expect(c).toMatchObject({ n: 4, testExamples: 6 });
    expect(c.contaminated).toBeGreaterThan(0);
    expect(c.contaminated + c.tooShort).toBe(6);
    // Step metadata (which travels through Temporal) carries scores, never the texts.
    expect(JSON.stringify(ev.metadata)).not.toContain('MATCH (p:Person)');
  });

  it('gates both ways, with reasons in the run result and on the CLI', () => {
    expect(step('gate-pass').metadata).toMatchObject({ decision: 'promoted', phase: 'final' });
    const fail = step('gate-fail').metadata as { decision: string; reasons: string[] };
    expect(fail.decision).toBe('not promoted');
    expect(fail.reasons[0]).toMatch(/^test\.rouge_l: tuned .* needs >= \+101\.0\)$/);
    expect(stdout).toContain('gate-pass: promoted');
    expect(stdout).toContain('gate-fail: not promoted');
    // The interval rule: promoted exactly when the sign-corrected lower limit is above 0.
    const better = step('gate-better').metadata as { decision: string; verdict: { metric: string; method: string; low: number; high: number } };
    expect(better.verdict).toMatchObject({ metric: 'test.perplexity', method: 'bootstrap' });
    expect(better.decision).toBe(-better.verdict.high > 0 ? 'promoted' : 'not promoted');
  });

  it('checks the Q8_0 file against its F32 source on the same text', () => {
    const rows = (step('parity').metadata as { parity: { model: string; type: string; ratioToReference: number }[] }).parity;
    expect(rows.map((r) => [r.model, r.type])).toEqual([
      ['reference', 'F32'],
      ['Q8_0', 'Q8_0'],
    ]);
    expect(Math.abs(rows[1]!.ratioToReference - 1)).toBeLessThan(0.02);
  });

  it('writes one self-contained HTML report whose path the CLI prints', async () => {
    const printed = /report: (.+\.html)/.exec(stdout)?.[1];
    // The run report, as the run folder names it: the same file the store holds (a hard link).
    expect(printed).toMatch(/\/runs\/eval-e2e-[^/]+\/report\.html$/);
    expect((await fs.stat(printed!)).ino).toBe((await fs.stat(state.report!.html.uri.replace('file://', ''))).ino);
    const html = await fs.readFile(printed!, 'utf8');
    expect(html).toContain('<title>eval-e2e report</title>');
    for (const id of ['timings', 'eval-final', 'models']) expect(html).toContain(`data-chart="${id}"`);
    expect(html).toContain('Q8_0');
    expect(html).toContain('class="badge promoted"');
    for (const s of ['base', 'tuned', 'q8', 'eval', 'gate-pass']) expect(html).toContain(`<td class="l">${s}</td>`);
    for (const s of ['verdict', 'comparison', 'parity', 'contamination', 'loss-curve']) expect(html).toContain(`<section data-section="${s}">`);
    expect(html).toMatch(/<section data-section="parity">.*<td class="l">Q8_0<\/td>/);
    expect(html).not.toMatch(/<script|<link|src=/);
  });
});
