import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm run build` writes the prebuilt workflow bundle, and the workflow sources it came from. */
export const WORKFLOW_BUNDLE_PATH = path.join(DIST, 'workflow-bundle.js');
export const WORKFLOWS_PATH = path.join(DIST, 'workflows', 'index.js');

/** The prebuilt bundle is used only while it is newer than every compiled workflow and core file. */
export function prebuiltBundleIsFresh(): boolean {
  let bundleTime: number;
  try {
    bundleTime = statSync(WORKFLOW_BUNDLE_PATH).mtimeMs;
  } catch {
    return false;
  }
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
      const p = path.join(dir, e.name);
      return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  return bundleTime >= Math.max(newest(path.join(DIST, 'workflows')), newest(path.join(DIST, 'core')));
}
