import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { writeCorpus } from './dedup-corpus.js';
import { groupedIn, printComparison, runPeer, type PeerRow } from './dedup-peers.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

interface ChildResult {
  ms: number;
  maxRssMB: number;
  outputs: Record<string, { uri: string; records?: number }>;
  metadata: Record<string, unknown>;
}

async function stage(kind: string, input: string, file: string, config: unknown, home: string, more: string[] = []): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [path.join(here, '_stage-child.js'), kind, input, file, JSON.stringify(config), ...more], {
    env: { ...process.env, FORGELINE_HOME: home, FORGELINE_LOG_LEVEL: 'warn' },
    maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `npm run bench -- dedup [--records N] [--chars C] [--peers rensa,datatrove,datasketch] [--python PATH] [--keep]`:
 * near-dedup time and peak RSS of the dedup stage on a synthetic corpus (10% near, 5% exact
 * duplicates), each peer on the same corpus with the same normal form, shingles, permutations and
 * bands (bench/dedup_*.py say where a peer cannot match one), their agreement and their recall of the
 * planted copies; then split of the deduplicated records with and without dedup's signatures, and
 * analyze and mix of the corpus. Each stage and peer runs in a process of
 * its own, so that its peak RSS is its own.
 */
export async function run_(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      records: { type: 'string', default: '1000000' },
      chars: { type: 'string', default: '500' },
      peers: { type: 'string', default: 'rensa,datatrove,datasketch' },
      python: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const records = Number(values.records);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-bench-dedup-'));
  const home = path.join(work, 'home');
  const corpus = path.join(work, 'corpus.jsonl');
  const params = { threshold: 0.85, shingleSize: 5, permutations: 112, bands: 14 };
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  try {
    let t = performance.now();
    const planted = await writeCorpus(corpus, { records, chars: Number(values.chars), nearShare: 0.1, exactShare: 0.05, seed: 1 });
    const bytes = (await fs.stat(corpus)).size;
    console.log(`corpus: ${records.toLocaleString('en')} records, ${(bytes / 2 ** 20).toFixed(0)} MiB, planted ${planted.near} near and ${planted.exact} exact duplicates (${fmt(performance.now() - t)} to write)`);

    const d = await stage('dedup', 'records', corpus, params, home);
    const m = d.metadata as { kept: number; dropped: Record<string, number>; ms: Record<string, number> };
    console.log(
      `forgeline dedup:  ${fmt(d.ms)}, peak RSS ${d.maxRssMB} MB, ${Math.round(records / (d.ms / 1000)).toLocaleString('en')} records/s; kept ${m.kept}, exact ${m.dropped.exact_duplicate ?? 0}, near ${m.dropped.near_duplicate ?? 0} (hash ${fmt(m.ms.sign!)}, cluster ${fmt(m.ms.cluster!)}, write ${fmt(m.ms.write!)})`,
    );

    const forgelineGroups = await groupedIn(fileURLToPath(d.outputs.rejects!.uri));
    const peers = values.peers.split(',').filter(Boolean);
    const rows: PeerRow[] = [{ tool: 'forgeline', ms: d.ms, maxRssMB: d.maxRssMB, kept: m.kept, removed: records - m.kept, grouped: forgelineGroups }];
    for (const peer of peers) {
      const row = await runPeer(peer, corpus, params, work, values.python);
      if (row) rows.push(row);
    }
    printComparison(rows, planted.copies, records, params.threshold);
    // Split of the deduplicated records, signing them itself and then reusing dedup's index (issue 23: at most 25% of dedup's time).
    const unique = fileURLToPath(d.outputs.records!.uri);
    const index = fileURLToPath(d.outputs.index!.uri);
    for (const more of [[], ['index', index]]) {
      const s = await stage('split', 'records', unique, { stratifyBy: 'category', seed: 1 }, home, more);
      const sm = s.metadata as { train: number; valid: number; test: number; crossSplit: unknown; signatures: { source: string }; ms: Record<string, number> };
      console.log(
        `forgeline split (${sm.signatures.source}): ${fmt(s.ms)} = ${((100 * s.ms) / d.ms).toFixed(0)}% of dedup's ${fmt(d.ms)}, peak RSS ${s.maxRssMB} MB; train ${sm.train}, valid ${sm.valid}, test ${sm.test}, cross-split ${JSON.stringify(sm.crossSplit)} (read ${fmt(sm.ms.read!)}, assign ${fmt(sm.ms.assign!)}, write ${fmt(sm.ms.write!)})`,
      );
    }

    t = performance.now();
    const a = await stage('analyze', 'records', corpus, { field: 'category', sourceFile: corpus }, home);
    const manifest = fileURLToPath(a.outputs.manifest!.uri);
    const x = await stage('mix', 'manifest', manifest, { phase: 'production_balanced', total: records, seed: 1 }, home);
    console.log(`forgeline analyze: ${fmt(a.ms)}, peak RSS ${a.maxRssMB} MB`);
    console.log(`forgeline mix:    ${fmt(x.ms)}, peak RSS ${x.maxRssMB} MB; ${x.outputs.records!.records} records, production_balanced`);
  } finally {
    if (!values.keep) await fs.rm(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

export { run_ as run };
