import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import type { EvalReport } from '../../activities/eval/result.js';
import { EMBEDDED_BASE_MODEL_PATH } from '../../activities/models/base-model.js';
import { plainValue, readGguf } from '../../native/gguf-writer.js';
import { getRun } from '../../core/client/runs.js';
import { chromium } from 'playwright-core';
import { cli, expectExit, freshNamespace, testClient, testEnv } from '../support/harness.js';
import { chromiumBinary } from '../report/chromium.js';

/**
 * The README's first command without a terminal, on the real base model: SmolLM2-135M-Instruct is
 * LoRA-tuned on generated JSON tasks on CPU, evaluated against itself on the held-out test split,
 * and the run ends with the verdict. This is the test that the product does its one job: the tuned
 * model beats its base on the held-out primary metric (seed 001's JSON validity) by a paired 95%
 * interval that excludes zero, with lower test perplexity, and the tuned GGUF keeps the base's chat
 * template and vocabulary. It exits 0 leaving nothing running; when it does not, the failure shows
 * the command's own output.
 */
describe('npx forgeline quickstart (the real base model)', () => {
  it('fine-tunes SmolLM2-135M on CPU into a model that beats its base on held-out JSON validity, and says so', async () => {
    // A namespace of its own: nothing another test file left in this jest worker's namespace (a run
    // a schedule started, a stopped worker still listed as a poller) can reach its worker or plan.
    const env = await testEnv({ FORGELINE_PIPELINES: '', TEMPORAL_NAMESPACE: await freshNamespace('quickstart') });
    // 60 minutes: about 11 alone on two cores, and CI runs another test file beside it the whole
    // time, which may be tlp-real-base training the same base (a clean-machine CI preview under
    // extra load ran past 40).
    const res = await cli(['quickstart'], env, 3_600_000);
    expectExit(res, 0);
    expect(res.stderr).not.toMatch(/forgeline quickstart:/);
    const runId = /(quickstart-\S+): succeeded/.exec(res.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(res.stdout).toMatch(/^promote: promoted$/m);
    expect(res.stdout).toMatch(/^test\.json_valid: base \S+ -> tuned \S+ \(\+/m);
    const report = /report\.html: (\S+)/.exec(res.stdout)?.[1];
    expect(report && existsSync(report)).toBe(true);
    expect(readFileSync(report!, 'utf8')).toContain('<svg');

    const { client, close } = await testClient(env);
    try {
      const run = await getRun(client, runId!);
      const steps = run.state!.steps;
      const step = (id: string) => steps.find((s) => s.id === id)!;
      const evaluation = JSON.parse(readFileSync(step('evaluate').outputs.report!.uri.replace('file://', ''), 'utf8')) as EvalReport;
      const valid = evaluation.metrics.find((m) => m.name === 'test.json_valid')!;
      expect(valid.n).toBeGreaterThanOrEqual(50);
      expect(valid.tuned - valid.base!).toBeGreaterThanOrEqual(0.1);
      const ppl = evaluation.metrics.find((m) => m.name === 'test.perplexity')!;
      expect(ppl.tuned).toBeLessThan(ppl.base!);
      const verdict = step('promote').metadata.verdict as { decision: string; metric: string; low: number; n: number };
      expect(verdict).toMatchObject({ decision: 'promoted', metric: 'test.json_valid' });
      expect(verdict.low).toBeGreaterThan(0);
      // The DPO pairs of seed 001's json_repair family trained instead of being dropped.
      expect(step('train').metadata).toMatchObject({ backend: 'hf', records: { rejected: 0 } });

      // The tuned GGUF keeps the base's chat template, EOS and byte-level BPE vocabulary.
      const tuned = await readGguf(step('quantize-q8_0').outputs.model!.uri.replace('file://', ''));
      const base = await readGguf(EMBEDDED_BASE_MODEL_PATH);
      for (const key of ['tokenizer.chat_template', 'tokenizer.ggml.eos_token_id', 'tokenizer.ggml.model', 'tokenizer.ggml.pre']) {
        expect(plainValue(tuned.metadata.get(key))).toEqual(plainValue(base.metadata.get(key)));
      }
    } finally {
      await close();
    }

    // The real report, in a real browser: every section drawn, no console error.
    const browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${report!}`);
      const inSection = (name: string, selector: string) => page.locator(`[data-section="${name}"] ${selector}`);
      // The loss curve: one line per series (train, valid) on a chart with a real bounding box.
      expect(await inSection('loss-curve', 'svg[data-chart="loss"] polyline, svg[data-chart="loss"] path').count()).toBeGreaterThan(0);
      expect((await inSection('loss-curve', 'svg[data-chart="loss"]').boundingBox())?.height).toBeGreaterThan(50);
      // Base vs tuned with intervals: the primary metric's row shows both scores and a bracketed interval.
      const jsonValid = inSection('comparison', 'tr').filter({ hasText: 'test.json_valid' });
      expect(await jsonValid.count()).toBe(1);
      expect(await jsonValid.innerText()).toMatch(/\[\+\d+\.\d+, \+\d+\.\d+\]/);
      expect(await inSection('verdict', '.badge').innerText()).toBe('promoted');
      // Parity: the F16 reference and the Q8_0 file.
      expect(await inSection('parity', 'tbody tr').count()).toBe(2);
      // Rejects: every rejects output of the run, by its run-folder file name.
      const rejects = await inSection('rejects', 'tbody tr').allInnerTexts();
      expect(rejects.some((r) => r.includes('dedup-rejects.jsonl'))).toBe(true);
      // Model files carry their header's type: the embedded base is Q4_1, the trained export F16.
      const html = readFileSync(report!, 'utf8');
      expect(html).toContain('<td class="l">base-model</td><td class="l">Q4_1</td>');
      expect(html).toContain('<td class="l">train</td><td class="l">F16</td>');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 3_600_000);
});
