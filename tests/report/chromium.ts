import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';

/** Debian's chromium (scripts/ci-setup.d/30-chromium.sh installs it), or FORGELINE_CHROMIUM. */
export function chromiumBinary(): string {
  const fromEnv = process.env.FORGELINE_CHROMIUM;
  if (fromEnv) return fromEnv;
  // The full path: playwright's executablePath takes no bare command name.
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new Error('no chromium on the PATH: run scripts/ci-setup.d/30-chromium.sh (or set FORGELINE_CHROMIUM)');
}

/** Opens a local HTML file in headless Chromium, offline, and writes a PNG of the viewport. */
export async function screenshot(htmlFile: string, pngFile: string, size = { width: 1100, height: 4200 }): Promise<void> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--no-first-run',
    '--disable-extensions',
    // Offline: any network fetch the page tried would fail (and the charts would not draw).
    '--proxy-server=127.0.0.1:9',
    '--proxy-bypass-list=<-loopback>',
    `--window-size=${size.width},${size.height}`,
    `--screenshot=${pngFile}`,
    `file://${htmlFile}`,
  ];
  const child = spawn(chromiumBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const ok = await fs.stat(pngFile).then((s) => s.size > 0, () => false);
  if (!ok) throw new Error(`chromium exited ${code} without a screenshot: ${stderr.slice(-2000)}`);
}
