import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const SPOOL = '.spool';

/**
 * The local copies an S3 store keeps, one file per artifact named `<sha256><suffix>`, bounded in
 * total size: when a new copy takes the total over `maxBytes`, the least recently used go first.
 * Recency is the file's mtime, touched on each use, so the order survives a worker restart.
 *
 * A copy in use is not protected: the bound must hold what one host's running steps read at once
 * (a removed file stays readable to whoever opened it; a later `get` fetches it again). Writers'
 * spool files live in `.spool` on the same volume, so that a committed output becomes a copy by a
 * rename.
 */
export class LocalCopies {
  /** name -> bytes, least recently used first (a Map keeps insertion order; a use re-inserts). */
  private index: Promise<Map<string, number>> | undefined;
  private total = 0;
  /** The last mtime this instance gave a copy: every use gets a later one (see `touch`). */
  private lastUse = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** A fresh path in the spool folder, for a download or a writer's output. */
  async spoolPath(suffix = ''): Promise<string> {
    await this.load();
    const dir = path.join(this.dir, SPOOL);
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `${randomUUID()}${suffix}`);
  }

  /** The copy's path, marked as just used; undefined when there is none (or it was removed under us). */
  async get(name: string): Promise<string | undefined> {
    const index = await this.load();
    const bytes = index.get(name);
    if (bytes === undefined) return undefined;
    const file = path.join(this.dir, name);
    try {
      await this.touch(file);
    } catch {
      this.forget(index, name);
      return undefined;
    }
    index.delete(name);
    index.set(name, bytes);
    return file;
  }

  /** Moves `spoolFile` (already verified) into place as `name`, then evicts down to the bound. */
  async adopt(spoolFile: string, name: string, bytes: number): Promise<string> {
    const index = await this.load();
    const file = path.join(this.dir, name);
    await fs.rename(spoolFile, file);
    await this.touch(file);
    this.forget(index, name);
    index.set(name, bytes);
    this.total += bytes;
    await this.evict(index, name);
    return file;
  }

  /** Drops a copy that no longer matches its digest. */
  async remove(name: string): Promise<void> {
    const index = await this.load();
    this.forget(index, name);
    await fs.rm(path.join(this.dir, name), { force: true });
  }

  /** Bytes held now (for tests and `doctor`-style reports). */
  async size(): Promise<number> {
    await this.load();
    return this.total;
  }

  /**
   * Stamps a use on the file's mtime, always later than the last one this instance stamped. A file
   * written just now carries the kernel's coarse clock, which can read earlier than a `utimes` made
   * a moment before it from the precise one: a restarted host would then see the newer copy as the
   * older (a flaky LRU test showed it).
   */
  private async touch(file: string): Promise<void> {
    this.lastUse = Math.max(Date.now(), this.lastUse + 1);
    const when = new Date(this.lastUse);
    await fs.utimes(file, when, when);
  }

  private async evict(index: Map<string, number>, keep: string): Promise<void> {
    for (const name of [...index.keys()]) {
      if (this.total <= this.maxBytes) return;
      if (name === keep) continue;
      this.forget(index, name);
      await fs.rm(path.join(this.dir, name), { force: true });
    }
  }

  private forget(index: Map<string, number>, name: string): void {
    const bytes = index.get(name);
    if (bytes === undefined) return;
    index.delete(name);
    this.total -= bytes;
  }

  /** Reads the folder once per instance: copies left by an earlier process count towards the bound. */
  private load(): Promise<Map<string, number>> {
    this.index ??= (async () => {
      await fs.mkdir(this.dir, { recursive: true });
      await removeStaleSpool(path.join(this.dir, SPOOL));
      const found: { name: string; bytes: number; used: number }[] = [];
      for (const name of await fs.readdir(this.dir)) {
        if (name.startsWith('.')) continue;
        const st = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
        if (st?.isFile()) found.push({ name, bytes: st.size, used: st.mtimeMs });
      }
      found.sort((a, b) => a.used - b.used);
      const index = new Map<string, number>();
      for (const f of found) {
        index.set(f.name, f.bytes);
        this.total += f.bytes;
      }
      return index;
    })();
    return this.index;
  }
}

/**
 * Spool files of a killed process are never committed. Only old ones go: another process on this
 * state folder (a CLI beside the worker) may be spooling now.
 */
async function removeStaleSpool(dir: string): Promise<void> {
  const day = 24 * 3600_000;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const st = await fs.stat(file).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > day) await fs.rm(file, { force: true });
  }
}
