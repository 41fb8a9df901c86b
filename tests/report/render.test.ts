import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PALETTE } from '../../activities/report/charts.js';
import { applyGate, gateRule } from '../../activities/eval/gate.js';
import type { EvalReport } from '../../activities/eval/result.js';
import { Rng } from '../../activities/generate/rng.js';
import { renderReport } from '../../activities/report/html.js';
import { parityOf, promotionOf } from '../../activities/report/model.js';
import { evalReport, outcomes } from '../eval/examples.js';
import { screenshot } from './chromium.js';
import { countColour, decodePng } from './png.js';
import { emptyReport, sampleReport } from './sample.js';

async function shoot(html: string): Promise<ReturnType<typeof decodePng>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-report-'));
  const file = path.join(dir, 'report.html');
  await fs.writeFile(file, html);
  const png = path.join(dir, 'shot.png');
  await screenshot(file, png);
  return decodePng(await fs.readFile(png));
}

/** Chart families and the colour each one fills with. */
const CHARTS: [string, string][] = [
  ['step timings', PALETTE.steps],
  ['bucket distribution', PALETTE.buckets],
  ['quality histogram', PALETTE.quality],
  ['PII per type', PALETTE.pii],
  ['eval base bars', PALETTE.base],
  ['eval tuned bars', PALETTE.tuned],
  ['model sizes', PALETTE.models],
  ['loss curve phase 1', PALETTE.curves[0]],
  ['loss curve phase 2', PALETTE.curves[1]],
];

describe('run report HTML', () => {
  it('is one self-contained file: no script, no external resource, data escaped', () => {
    const html = renderReport(sampleReport());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|<img|src=|url\(/i);
    // The only URL is the SVG namespace, which is a name, never fetched.
    expect(html.match(/https?:\/\/[^\s"']+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const id of ['timings', 'buckets', 'quality', 'pii', 'loss', 'eval-calibration', 'eval-reasoning', 'models']) expect(html).toContain(`data-chart="${id}"`);
    // Deltas with their direction; perplexity going down is an improvement.
    expect(html).toContain('<span class="up">+22.0</span>');
    expect(html).toContain('<span class="down">-3.0</span>');
    expect(html).toContain('<span class="up">-5.10</span>');
    expect(html).toContain('<span class="badge not-promoted">not promoted</span>');
  });

  it('draws every chart in headless Chromium (pixels of each chart colour in the screenshot)', async () => {
    const img = await shoot(renderReport(sampleReport()));
    expect(img.width).toBeGreaterThan(800);
    const counts = Object.fromEntries(CHARTS.map(([name, colour]) => [name, countColour(img, colour)]));
    for (const [name] of CHARTS) expect({ name, pixels: counts[name]! > 150 }).toEqual({ name, pixels: true });
  });

  it('a report without data draws none of those charts (the check can fail)', async () => {
    const img = await shoot(renderReport(emptyReport()));
    for (const [name, colour] of CHARTS) expect({ name, pixels: countColour(img, colour) }).toEqual({ name, pixels: 0 });
  });

  it('shows the verdict, the comparison with paired intervals, parity and contamination, each in its data-section', () => {
    const rng = new Rng(2);
    const o = outcomes(10, 15, 1, 34);
    const docs = Array.from({ length: 60 }, () => ({ loglik: -(30 + rng.next() * 20), tokens: 12, bytes: 50 }));
    const report: EvalReport = {
      ...evalReport({ exact_match: o.tuned, docs: docs.map((d) => ({ ...d, loglik: d.loglik + 2 })) }, { exact_match: o.base, docs }),
      contamination: { n: 13, testExamples: 60, contaminated: 3, share: 0.05, trainNgrams: 4100, overlapping: 7, tooShort: 0 },
    };
    const decision = applyGate(report, [gateRule.parse({ rule: 'better', metric: 'test.exact_match' })]);
    // As the report step reads it: the promote step's decision report.
    const promotion = promotionOf([{ source: 'artifact', kind: 'promotion', data: { schema: 'promotion', ...decision } }]);
    // As the report step reads the parity step's report.
    const parity = parityOf([
      {
        source: 'artifact',
        kind: 'parity',
        data: {
          schema: 'parity',
          rows: [
            { model: 'reference', type: 'F32', bytes: 6_000_000, sha256: 'c'.repeat(64), perplexity: 300, ratioToReference: 1 },
            { model: 'Q4_K_M', type: 'Q4_K_M', bytes: 1_000_000, sha256: 'e'.repeat(64), perplexity: 312, ratioToReference: 1.04 },
          ],
        },
      },
    ]);
    const html = renderReport({ ...emptyReport(), evals: [report], ...(promotion ? { promotion } : {}), ...(parity ? { parity } : {}) });
    const sectionOf = (name: string): string => {
      const m = new RegExp(`<section data-section="${name}">(.*?)</section>`).exec(html);
      expect({ name, found: !!m }).toEqual({ name, found: true });
      return m![1]!;
    };
    const em = report.metrics.find((m) => m.name === 'test.exact_match')!;
    const p = em.paired!;
    const v = sectionOf('verdict');
    expect(v).toContain('<span class="badge promoted">promoted</span>');
    expect(v).toContain(`<b>test.exact_match</b>: base 18.3, tuned 41.7, +23.3 points (95% CI +${p.low.toFixed(1)} to +${p.high.toFixed(1)}, McNemar, n=60)`);
    const c = sectionOf('comparison');
    expect(c).toContain('<th>95% CI</th><th>method</th>');
    expect(c).toContain(`<span class="up">[+${p.low.toFixed(1)}, +${p.high.toFixed(1)}]</span></td><td>McNemar p=${p.pValue!.toPrecision(2)} (b=15, c=1)</td>`);
    // Perplexity fell on every document: its interval lies below 0, which is better.
    const ppl = report.metrics.find((m) => m.name === 'test.perplexity')!.paired!;
    expect(ppl.high).toBeLessThan(0);
    expect(c).toMatch(/<td class="l">test\.perplexity<\/td>.*?<span class="up">\[-[\d.]+, -[\d.]+\]<\/span><\/td><td>paired bootstrap<\/td>/);
    expect(sectionOf('parity')).toContain('<td class="l">Q4_K_M</td><td class="l">Q4_K_M</td><td>976.6 KiB</td><td>312</td><td>1.0400</td>');
    expect(sectionOf('contamination')).toContain('<b>3</b> of 60 test examples (<b>5.0%</b>) share a 13-gram with the training data');
    expect(sectionOf('loss-curve')).toContain('No loss curves in this run.');
  });

  it('an equal model is shown as not promoted, its interval muted', () => {
    const o = outcomes(20, 0, 0, 40);
    const report = evalReport({ exact_match: o.tuned }, { exact_match: o.base });
    const decision = applyGate(report, [gateRule.parse({ rule: 'better', metric: 'test.exact_match' })]);
    const promotion = promotionOf([{ source: 'metadata', kind: 'promote', data: { ...decision } }])!;
    const html = renderReport({ ...emptyReport(), evals: [report], promotion });
    expect(html).toContain('<span class="badge not-promoted">not promoted</span>');
    expect(html).toMatch(/<span class="muted">\[-[\d.]+, \+[\d.]+\]<\/span>/);
    expect(html).toContain('No parity check in this run.');
    expect(html).toContain('No contamination check in this run.');
  });
});
