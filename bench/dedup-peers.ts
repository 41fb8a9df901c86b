import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fs from 'node:fs/promises';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VENV = '.cache/dedup-peers-venv';
const VENV_HINT = `python3 -m venv ${VENV} && ${VENV}/bin/pip install -r bench/requirements-dedup-peers.txt`;

/** One tool's result on the corpus; `grouped`: the ids it put in a duplicate group (kept or removed). */
export interface PeerRow {
  tool: string;
  ms: number;
  maxRssMB: number;
  kept: number;
  removed: number;
  grouped: Set<string>;
  note?: string;
}

/**
 * The ids in a duplicate group, from the dedup stage's rejects: each removed record and the record it
 * duplicates. Groups, not removed sets, are compared across tools: which member of a group a tool
 * keeps is a policy (Forgeline keeps the best quality score, the peers the first seen), not detection.
 */
export async function groupedIn(rejectsFile: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const line of createInterface({ input: createReadStream(rejectsFile) })) {
    if (!line) continue;
    const row = JSON.parse(line) as { record?: { id?: string }; near_duplicate_of?: string };
    if (row.record?.id) ids.add(row.record.id);
    if (row.near_duplicate_of) ids.add(row.near_duplicate_of);
  }
  return ids;
}

const NOTES: Record<string, string> = {
  rensa: 'one thread (its Python API has no parallel path for this loop)',
  datatrove: '2 tasks on 2 workers; no exact pass, no similarity check: a shared bucket is a duplicate',
  datasketch: 'one thread, pure Python',
};

/** Runs bench/dedup_<peer>.py on the corpus; undefined (and a line saying why) when it cannot run. */
export async function runPeer(
  peer: string,
  corpus: string,
  params: { threshold: number; shingleSize: number; permutations: number; bands: number },
  work: string,
  pythonOverride?: string,
): Promise<PeerRow | undefined> {
  const script = path.join(repo, `bench/dedup_${peer}.py`);
  if (!existsSync(script)) throw new Error(`unknown dedup peer "${peer}" (no bench/dedup_${peer}.py)`);
  const python = pythonOverride ?? [path.join(repo, VENV, 'bin/python')].find((p) => existsSync(p)) ?? 'python3';
  const grouped = path.join(work, `${peer}-grouped.txt`);
  const args =
    peer === 'datatrove'
      ? [script, corpus, path.join(work, 'datatrove'), '2', grouped]
      : [script, corpus, String(params.threshold), String(params.shingleSize), String(params.permutations), String(params.bands), grouped];
  try {
    const { stdout } = await run(python, args, { maxBuffer: 1 << 24, cwd: path.join(repo, 'bench') });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; maxRssMB: number; kept: number; exact: number; near: number };
    const ids = new Set((await fs.readFile(grouped, 'utf8')).split('\n').filter(Boolean));
    return { tool: peer, ms: r.ms, maxRssMB: r.maxRssMB, kept: r.kept, removed: r.exact + r.near, grouped: ids, note: NOTES[peer] };
  } catch (err) {
    console.log(`${peer}: not run (${(err as Error).message.split('\n')[0]}); install the peers with: ${VENV_HINT}`);
    return undefined;
  }
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 1 : both / union;
}

/**
 * One line per tool: time, peak RSS, counts, speed against the fastest peer, recall of the planted
 * copies (a copy counts as found when the tool grouped it), and agreement with Forgeline (Jaccard of
 * the grouped ids). Recall is given twice: over the copies whose true shingle Jaccard is at least the
 * threshold (the duplicates by the definition every tool is asked to apply), and over all copies (one
 * replaced word in a short record can take a copy below the threshold; a tool that finds those is
 * looser, not better).
 */
export function printComparison(rows: PeerRow[], copies: Map<string, { jaccard: number }>, records: number, threshold: number): void {
  const above = [...copies].filter(([, c]) => c.jaccard >= threshold).map(([id]) => id);
  console.log(`planted copies: ${copies.size}, of which ${above.length} at or above the threshold ${threshold} (true shingle Jaccard)`);
  const fastestPeer = rows.slice(1).reduce<PeerRow | undefined>((best, r) => (!best || r.ms < best.ms ? r : best), undefined);
  const forgeline = rows[0]!;
  for (const r of rows) {
    const recall = (ids: Iterable<string>, n: number) => {
      let found = 0;
      for (const id of ids) if (r.grouped.has(id)) found++;
      return n === 0 ? 1 : found / n;
    };
    console.log(
      [
        `${r.tool.padEnd(10)} ${(r.ms / 1000).toFixed(1).padStart(7)} s`,
        `peak RSS ${String(r.maxRssMB).padStart(5)} MB`,
        `${Math.round(records / (r.ms / 1000)).toLocaleString('en').padStart(9)} records/s`,
        `kept ${r.kept}, removed ${r.removed}`,
        `recall ${(100 * recall(above, above.length)).toFixed(2)}% (all copies ${(100 * recall(copies.keys(), copies.size)).toFixed(2)}%)`,
        r === forgeline ? 'agreement -' : `agreement ${jaccard(r.grouped, forgeline.grouped).toFixed(3)}`,
        r.note ?? '',
      ].join('; '),
    );
  }
  if (fastestPeer) console.log(`forgeline vs fastest peer (${fastestPeer.tool}): ${(fastestPeer.ms / forgeline.ms).toFixed(2)}x`);
}
