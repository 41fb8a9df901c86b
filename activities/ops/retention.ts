import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { listFiles } from './corpus.js';
import { HOLD_SUFFIX, LAYOUT } from './seed004.js';

export interface RetentionOptions {
  now: Date;
  rawDays: number;
  logDays: number;
  archiveMonths: number;
}

export type RetentionAction = 'archived' | 'compressed' | 'deleted' | 'held';

/** What retention did to one file, by paths relative to the data root. */
export interface RetentionEntry {
  action: RetentionAction;
  file: string;
  to?: string;
  ageDays: number;
}

const DAY_MS = 86_400_000;

/** `now` minus whole calendar months ("24 months" is calendar months, not 730 days). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

/** Gzips `from` into `to` (made atomically through a temporary name), keeps `mtime`, removes `from`. */
async function gzipMove(from: string, to: string, mtime: Date): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  await pipeline(createReadStream(from), createGzip({ level: 9 }), createWriteStream(tmp));
  await fs.utimes(tmp, mtime, mtime);
  await fs.rename(tmp, to);
  await fs.rm(from);
}

/** Moves a file (a copy where a rename cannot cross volumes) and stamps `mtime`. */
async function moveAs(from: string, to: string, mtime: Date): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.rename(from, to).catch(async () => {
    await fs.copyFile(from, to);
    await fs.rm(from);
  });
  await fs.utimes(to, mtime, mtime);
}

/**
 * Seed 004's retention rules over a data root, judged by each file's modification time:
 * - raw_data/ and logs/ files older than 90 days move to archive/<folder>/..., gzipped (lines 26,
 *   172, 327; "Compress to save storage space", line 189). The archived copy's clock starts now.
 * - archive/ files older than 24 months are deleted unless flagged for retention by a `<file>.hold`
 *   sidecar (lines 187-188); younger ones that are not compressed yet are gzipped in place.
 * Processed, synthetic and evaluation data are never touched (evaluation: "Permanent", line 105).
 */
export async function applyRetention(root: string, o: RetentionOptions): Promise<RetentionEntry[]> {
  const out: RetentionEntry[] = [];
  const ageDays = (mtime: Date): number => Math.floor((o.now.getTime() - mtime.getTime()) / DAY_MS);
  for (const [folder, days] of [[LAYOUT.raw, o.rawDays], [LAYOUT.logs, o.logDays]] as const) {
    const cutoff = o.now.getTime() - days * DAY_MS;
    for (const file of await listFiles(path.join(root, folder))) {
      const { mtime } = await fs.stat(file);
      if (mtime.getTime() >= cutoff) continue;
      const rel = path.relative(root, file);
      const to = path.join(root, LAYOUT.archive, rel.endsWith('.gz') ? rel : `${rel}.gz`);
      // Already compressed: moved as it is (gzipping it again would hide the data under two layers).
      if (rel.endsWith('.gz')) await moveAs(file, to, o.now);
      else await gzipMove(file, to, o.now);
      out.push({ action: 'archived', file: rel, to: path.relative(root, to), ageDays: ageDays(mtime) });
    }
  }
  const archiveCutoff = monthsBefore(o.now, o.archiveMonths).getTime();
  const archived = await listFiles(path.join(root, LAYOUT.archive));
  const held = new Set(archived.filter((f) => f.endsWith(HOLD_SUFFIX)).map((f) => f.slice(0, -HOLD_SUFFIX.length)));
  for (const file of archived) {
    if (file.endsWith(HOLD_SUFFIX) || out.some((e) => e.to && path.join(root, e.to) === file)) continue;
    const { mtime } = await fs.stat(file);
    const rel = path.relative(root, file);
    const flagged = held.has(file) || held.has(file.replace(/\.gz$/, ''));
    if (mtime.getTime() < archiveCutoff) {
      if (flagged) {
        out.push({ action: 'held', file: rel, ageDays: ageDays(mtime) });
        continue;
      }
      await fs.rm(file);
      out.push({ action: 'deleted', file: rel, ageDays: ageDays(mtime) });
    } else if (!file.endsWith('.gz')) {
      await gzipMove(file, `${file}.gz`, mtime);
      out.push({ action: 'compressed', file: rel, to: `${rel}.gz`, ageDays: ageDays(mtime) });
    }
  }
  return out;
}
