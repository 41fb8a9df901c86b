// `npm test`: prepares what the tests need (scripts/ci-setup.d/*.sh, then the Temporal CLI), runs jest
// on the compiled tests, and ends with the plain "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts }).status ?? 1;

const setupDir = path.join(root, 'scripts/ci-setup.d');
for (const script of readdirSync(setupDir).filter((f) => f.endsWith('.sh')).sort()) {
  console.log(`== set-up: ${script}`);
  if (run('bash', [path.join(setupDir, script)]) !== 0) {
    console.error(`set-up script ${script} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

mkdirSync(path.join(root, '.cache'), { recursive: true });
const results = path.join(root, '.cache/jest-results.json');
const status = run(process.execPath, [
  '--experimental-vm-modules',
  'node_modules/jest/bin/jest.js',
  '--json',
  `--outputFile=${results}`,
  ...process.argv.slice(2),
]);
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
} catch {
  console.log('0 passed, 1 failed');
}
process.exit(status);
