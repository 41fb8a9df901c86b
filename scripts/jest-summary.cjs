// Prints jest's totals as the plain closing line CI reads: "N passed, N failed[, N skipped]".
const fs = require('node:fs');
const file = process.argv[2];
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  console.log('0 passed, 1 failed');
  console.error(`no jest results at ${file}: ${err.message}`);
  process.exit(0);
}
const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
