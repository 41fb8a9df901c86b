// Summarises `node --cpu-prof` output by self time: node scripts/cpuprofile-top.mjs <file.cpuprofile|dir> [top=25]
// A directory sums every profile in it (one per thread: the main thread and each worker write their own).
import fs from 'node:fs';
import path from 'node:path';

const [target, topArg] = process.argv.slice(2);
if (!target) {
  console.error('usage: node scripts/cpuprofile-top.mjs <file.cpuprofile|dir> [top]');
  process.exit(1);
}
const files = fs.statSync(target).isDirectory() ? fs.readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f)) : [target];
const self = new Map();
let total = 0;
for (const file of files) {
  const { nodes, samples, timeDeltas } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Each sample's time is the delta to the next one (the last sample has none).
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = byId.get(samples[i]).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
}
console.log(`${files.length} profile(s), ${(total / 1e6).toFixed(2)} s sampled`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  console.log(`${(us / 1e6).toFixed(2).padStart(8)} s ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
