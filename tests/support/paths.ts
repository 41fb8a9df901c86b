import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/tests/...). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST = path.join(REPO_ROOT, 'dist');
export const CLI = path.join(DIST, 'cli/main.js');
export const WORKER_MAIN = path.join(DIST, 'workers/main.js');
/** Compiled test pipelines (tests/pipelines/*.ts). */
export const TEST_PIPELINES = path.join(DIST, 'tests/pipelines');
/** Shared services started once per test run (global-setup writes, tests read). */
export const SERVICES_FILE = path.join(DIST, 'tests/.services.json');
