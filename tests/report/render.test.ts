import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PALETTE } from '../../activities/report/charts.js';
import { renderReport } from '../../activities/report/html.js';
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
    expect(html).toContain('rejected');
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
});
