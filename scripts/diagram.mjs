// `npm run diagram`: draws which top-level folder imports which, from the code, as a mermaid chart
// in docs/developing.md (between the diagram markers). `--check` only compares, and exits 1 when the
// committed chart is stale (tests/core/layers.test.ts runs it). A dotted arrow: types only.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** The layers, top to bottom; tests/ and bench/ use everything and are left out. */
const FOLDERS = ['cli', 'workers', 'workflows', 'pipelines', 'activities', 'schemas', 'core'];
const DOC = path.join(root, 'docs/developing.md');
const START = '<!-- diagram: npm run diagram -->';
const END = '<!-- /diagram -->';

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

// `import x from '../a.js'`, `import type {...}`, `export ... from`, `import('../a.js')`.
const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Folder-to-folder edges: `from>to` -> whether every import along it is type-only. */
export function importGraph() {
  const edges = new Map();
  for (const from of FOLDERS) {
    for (const file of tsFiles(path.join(root, from))) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const spec = m[3] ?? m[4];
        const to = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        if (to === from || !FOLDERS.includes(to)) continue;
        const key = `${from}>${to}`;
        edges.set(key, (edges.get(key) ?? true) && Boolean(m[2]));
      }
    }
  }
  return edges;
}

export function renderDiagram() {
  const edges = [...importGraph()].sort(([a], [b]) => {
    const [fa, ta] = a.split('>');
    const [fb, tb] = b.split('>');
    return FOLDERS.indexOf(fa) - FOLDERS.indexOf(fb) || FOLDERS.indexOf(ta) - FOLDERS.indexOf(tb);
  });
  const lines = ['```mermaid', 'flowchart TD'];
  for (const f of FOLDERS) lines.push(`  ${f}["${f}/"]`);
  for (const [key, typeOnly] of edges) {
    const [from, to] = key.split('>');
    lines.push(`  ${from} ${typeOnly ? '-.->' : '-->'} ${to}`);
  }
  lines.push('```');
  return lines.join('\n');
}

function withDiagram(doc) {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/developing.md lacks the markers ${START} ... ${END}`);
  return `${doc.slice(0, a + START.length)}\n${renderDiagram()}\n${doc.slice(b)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const doc = readFileSync(DOC, 'utf8');
  const next = withDiagram(doc);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/developing.md: the layer diagram is stale; run `npm run diagram`');
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, next);
  }
}
