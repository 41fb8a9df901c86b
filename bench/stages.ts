import { fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildStepKindRegistry } from '../activities/registry.js';
import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/log.js';
import { runStepOnFiles } from '../core/stage/run-on-files.js';
import { runStage } from '../core/stage/run.js';
import { floorStage } from './floor-stage.js';

/**
 * `npm run bench -- stages [--records N] [--threads N|auto] [--keep]`: generates a corpus of
 * instruction records (about 500 bytes each; 1,000,000 records is about 500 MB), then runs
 * validate, pii and score on it as `forgeline stage` does, each in a process of its own so that its
 * peak RSS is its own. Before each stage, the floor (bench/floor-stage.ts: the same runner keeping
 * every record, same threads) runs on the same input. Prints MB/s and records/s of input, peak RSS,
 * and the stage's time as a multiple of its floor.
 */
const WORDS =
  'the a to of and that have with for on relationship partner time together plan evening talk listen week feel heard support trust weekend dinner walk quiet phone honest kind gentle routine habit goal share small daily moment gratitude patience change conflict calm space respect'.split(
    ' ',
  );
const CATEGORIES = ['advice', 'suggestion', 'coaching', 'diagnostic'];

function rng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    return (a >>> 0) / 0x100000000;
  };
}

function sentence(r: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]!);
  const s = out.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

/** Writes `n` lines: ~1% malformed, ~0.5% blank, ~3% with an email, ~2% with a phone number. */
export async function generateCorpus(file: string, n: number, seed = 1): Promise<number> {
  const r = rng(seed);
  const out = createWriteStream(file);
  let buf: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    let line: string;
    if (x < 0.005) line = '';
    else if (x < 0.015) line = `{"instruction": "broken ${i}", "output": "cut`;
    else {
      let output = `${sentence(r, 18)} ${sentence(r, 20)} ${sentence(r, 16)}`;
      if (x > 0.97) output += ` Write to user${i}@example.org for details.`;
      else if (x > 0.95) output += ` Call +1 (415) 555-${String(1000 + (i % 9000)).padStart(4, '0')} tonight.`;
      line = JSON.stringify({
        instruction: `${sentence(r, 8)} (case ${i})`,
        input: sentence(r, 12),
        output,
        metadata: { category: CATEGORIES[i % CATEGORIES.length], complexity: 1 + (i % 5), source: 'synthetic', created_at: '2025-11-12T10:00:00Z' },
      });
    }
    buf.push(line);
    if (buf.length >= 5000) {
      if (!out.write(buf.join('\n') + '\n')) await once(out, 'drain');
      buf = [];
    }
  }
  out.write(buf.join('\n') + (buf.length ? '\n' : ''));
  out.end();
  await once(out, 'close');
  return (await fs.stat(file)).size;
}

interface ChildResult {
  ms: number;
  maxRssMB: number;
  output: string;
  metadata: { total?: number; kept?: number; rejected?: number };
}

function runChild(kind: string, file: string, config: object, home: string): Promise<ChildResult> {
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
  return new Promise((resolve, reject) => {
    const child = fork(main, ['stages', '--child', kind, file, JSON.stringify(config)], { env: { ...process.env, FORGELINE_HOME: home }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`${kind} exited with ${code}`))));
  });
}

/** The floor: the runner alone over `file`, keeping every line that parses, with `threads` threads. */
async function floorChild(file: string, config: string): Promise<void> {
  const { threads } = JSON.parse(config) as { threads: number };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-floor-'));
  const started = performance.now();
  const { stats } = await runStage({ stage: floorStage.module, options: {}, source: path.basename(file), input: { file }, threads, keptPath: path.join(dir, 'kept.jsonl'), rejectsPath: path.join(dir, 'rejects.jsonl') });
  const ms = performance.now() - started;
  await fs.rm(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), output: file, metadata: { total: stats.total, kept: stats.kept, rejected: stats.rejected } }));
}

async function child(kind: string, file: string, config: string): Promise<void> {
  if (kind === 'floor') return floorChild(file, config);
  const k = buildStepKindRegistry(new Map()).get(kind);
  if (!k) throw new Error(`unknown stage ${kind}`);
  const cfg = loadConfig();
  const started = performance.now();
  const result = await runStepOnFiles(k, { inputs: { records: file }, config: JSON.parse(config) }, cfg, createLogger({ level: 'warn' }));
  const ms = performance.now() - started;
  const ref = (result.outputs as Record<string, { uri: string }>).records!;
  const output = await result.store.localPath(ref as never, false);
  const m = result.metadata as ChildResult['metadata'];
  console.log(JSON.stringify({ ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), output, metadata: { total: m.total, kept: m.kept, rejected: m.rejected } }));
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!);
  const { values } = parseArgs({
    args,
    options: { records: { type: 'string', default: '100000' }, threads: { type: 'string', default: 'auto' }, keep: { type: 'boolean', default: false }, full: { type: 'boolean', default: false } },
  });
  const n = values.full ? 1_000_000 : Number(values.records);
  const threads = values.threads === 'auto' ? os.availableParallelism() : Number(values.threads);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-stages-'));
  try {
    const raw = path.join(dir, 'corpus.jsonl');
    const t0 = performance.now();
    const bytes = await generateCorpus(raw, n);
    console.log(`corpus: ${n} lines, ${(bytes / 1e6).toFixed(1)} MB, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${threads} thread(s), ${os.availableParallelism()} cores, node ${process.version}`);
    console.log('stage     input MB   seconds    MB/s   records/s   peak RSS MB   kept / total   x floor');
    const line = (name: string, size: number, r: ChildResult, ratio: string) => {
      const s = r.ms / 1000;
      console.log(
        `${name.padEnd(9)} ${(size / 1e6).toFixed(1).padStart(8)} ${s.toFixed(2).padStart(9)} ${(size / 1e6 / s).toFixed(1).padStart(7)} ${Math.round((r.metadata.total ?? 0) / s).toString().padStart(11)} ${String(r.maxRssMB).padStart(13)}   ${`${r.metadata.kept} / ${r.metadata.total}`.padEnd(14)} ${ratio}`,
      );
    };
    let input = raw;
    for (const kind of ['validate', 'pii', 'score']) {
      const size = (await fs.stat(input)).size;
      // The floor on this stage's own input: validate reads the raw file, pii and score curated records.
      const floor = await runChild('floor', input, { threads }, path.join(dir, 'home'));
      line('  floor', size, floor, '1.00');
      const r = await runChild(kind, input, { threads }, path.join(dir, 'home'));
      line(kind, size, r, (r.ms / floor.ms).toFixed(2));
      input = r.output;
    }
  } finally {
    if (!values.keep) await fs.rm(dir, { recursive: true, force: true });
  }
}
