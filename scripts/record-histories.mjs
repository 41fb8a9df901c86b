#!/usr/bin/env node
// Records the replay fixtures again (tests/fixtures/histories/*.json): `npm run build` first, then
// `node scripts/record-histories.mjs`. It runs tests/workflows/replay.test.ts with
// FORGELINE_RECORD_HISTORIES=1, so the recordings use the test harness (its dev server and a real
// worker) and are replayed at once. Do it only for an intended change to the workflow's commands,
// after that change is behind `patched()` (docs/developing.md), and commit the new files with it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { status } = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'dist/tests/workflows/replay.test.js'],
  { stdio: 'inherit', cwd: root, env: { ...process.env, FORGELINE_RECORD_HISTORIES: '1' } },
);
process.exit(status ?? 1);
