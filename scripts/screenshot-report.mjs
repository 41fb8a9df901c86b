#!/usr/bin/env node
// Regenerates the report screenshot in docs/: `node scripts/screenshot-report.mjs <report.html> [out.png]`
// (default out: docs/img/quickstart-report.png). Give it the report of a real quickstart run
// (`.forgeline/runs/<run-id>/report.html`). Headless Chromium (scripts/ci-setup.d/30-chromium.sh, or
// FORGELINE_CHROMIUM) through playwright-core, offline, the whole page at 1100 px wide.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [report, out = path.join(repo, 'docs/img/quickstart-report.png')] = process.argv.slice(2);
if (!report) {
  console.error('usage: node scripts/screenshot-report.mjs <report.html> [out.png]');
  process.exit(2);
}
const executablePath =
  process.env.FORGELINE_CHROMIUM ||
  ['chromium', 'chromium-browser', 'google-chrome'].map((b) => { try { return execFileSync('sh', ['-c', `command -v ${b}`]).toString().trim(); } catch { return ''; } }).find(Boolean);
if (!executablePath) {
  console.error('no chromium: run scripts/ci-setup.d/30-chromium.sh or set FORGELINE_CHROMIUM');
  process.exit(1);
}
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`file://${path.resolve(report)}`);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
}
