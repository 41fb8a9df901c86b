import { randomUUID } from 'node:crypto';
import { constants as fsConstants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { asDiskFull, PipelineError } from '../errors.js';
import { readChecked } from './digest-check.js';
import type { SinkFs } from './file-sink.js';
import { sha256File, sha256Text } from './hash.js';
import type { ArtifactRef } from './ref.js';
import { filePrefix, type ArtifactStore, type ArtifactWriter, type PutOptions } from './store.js';

const SCHEME = 'file://';

/**
 * Artifacts as files named by their sha256 under `<root>/<aa>/<digest><ext>`. Writers fill a
 * temp file in `<root>/.tmp` (same volume) and commit by rename, so a reader never sees half a file
 * and a retried step that writes the same bytes lands on the same name.
 */
export class LocalArtifactStore implements ArtifactStore {
  /** Folders made by this instance: a store has 257 at most, and a worker writes thousands of artifacts. */
  private readonly dirsMade = new Set<string>();

  /** `fs`: the file calls that writers' streams make (Node's by default; tests give one whose volume fills up). */
  constructor(
    readonly root: string,
    private readonly options: { fs?: SinkFs } = {},
  ) {}

  async writer(suffix = ''): Promise<ArtifactWriter> {
    const tmpPath = path.join(await this.dir(path.join(this.root, '.tmp')), `${randomUUID()}${suffix}`);
    return {
      path: tmpPath,
      fs: this.options.fs,
      commit: (options) => this.commitFile(tmpPath, suffix, options).catch(async (err: unknown) => {
        await fs.rm(tmpPath, { force: true });
        throw asDiskFull(err, { path: tmpPath });
      }),
      abort: () => fs.rm(tmpPath, { force: true }),
    };
  }

  async putFile(file: string, options: PutOptions): Promise<ArtifactRef> {
    const suffix = path.extname(file);
    const w = await this.writer(suffix);
    const before = await fs.stat(file);
    try {
      // The copy (in the kernel; a copy-on-write clone where the file system has them: APFS, btrfs,
      // XFS) and the hash of the source run side by side. When the source changed meanwhile, the copy
      // may not be what was hashed: then the copy is hashed instead.
      const [, hashed] = await Promise.all([fs.copyFile(file, w.path, fsConstants.COPYFILE_FICLONE), sha256File(file)]);
      const after = await fs.stat(file);
      const unchanged = before.size === after.size && before.mtimeMs === after.mtimeMs && hashed.bytes === after.size;
      return await this.commitFile(w.path, suffix, options, unchanged ? hashed : undefined);
    } catch (err) {
      await w.abort();
      throw asDiskFull(err, { path: `${w.path} (a copy of ${file})`, needed: before.size });
    }
  }

  async putBytes(data: string | Uint8Array, suffix: string, options: PutOptions): Promise<ArtifactRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const w = await this.writer(suffix);
    try {
      await fs.writeFile(w.path, bytes);
      return await this.commitFile(w.path, suffix, options, { sha256: sha256Text(bytes), bytes: bytes.length });
    } catch (err) {
      await w.abort();
      throw asDiskFull(err, { path: w.path, needed: bytes.length });
    }
  }

  async localPath(ref: ArtifactRef, verify = true): Promise<string> {
    const file = this.pathOf(ref);
    if (verify && !(await this.verify(ref))) throw corrupt(ref, file);
    return file;
  }

  async read(ref: ArtifactRef): Promise<Readable> {
    const file = this.pathOf(ref);
    await fs.access(file).catch(() => {
      throw new PipelineError('ARTIFACT_MISSING', `artifact ${ref.sha256.slice(0, 12)} is missing at ${file}`);
    });
    return readChecked(file, ref.sha256, () => corrupt(ref, file));
  }

  async readPrefix(ref: ArtifactRef, bytes: number): Promise<Buffer> {
    const file = this.pathOf(ref);
    // Never more than the artifact holds: a length read from damaged bytes can ask for gigabytes.
    return filePrefix(file, Math.max(0, Math.min(bytes, ref.bytes))).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PipelineError('ARTIFACT_MISSING', `artifact ${ref.sha256.slice(0, 12)} is missing at ${file}`);
      throw err;
    });
  }

  async verify(ref: ArtifactRef): Promise<boolean> {
    const file = this.pathOf(ref);
    try {
      const stat = await fs.stat(file);
      if (stat.size !== ref.bytes) return false;
      return (await sha256File(file)).sha256 === ref.sha256;
    } catch {
      return false;
    }
  }

  pathOf(ref: ArtifactRef): string {
    if (ref.uri.startsWith(SCHEME)) return ref.uri.slice(SCHEME.length);
    throw new PipelineError('CONFIG', `artifact uri ${ref.uri} is not a local file; configure its store`);
  }

  private async commitFile(tmpPath: string, suffix: string, options: PutOptions, hashed?: { sha256: string; bytes: number }): Promise<ArtifactRef> {
    const { sha256, bytes } = hashed ?? (await sha256File(tmpPath));
    const dir = path.join(this.root, sha256.slice(0, 2));
    const final = path.join(await this.dir(dir), `${sha256}${suffix}`);
    await fs.rename(tmpPath, final).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' || !existsSync(tmpPath)) throw err;
      // The folder went away under this instance (a removed state folder): make it again.
      this.dirsMade.delete(dir);
      await fs.rename(tmpPath, path.join(await this.dir(dir), `${sha256}${suffix}`));
    });
    return { uri: SCHEME + final, sha256, bytes, ...options };
  }

  private async dir(dir: string): Promise<string> {
    if (!this.dirsMade.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      this.dirsMade.add(dir);
    }
    return dir;
  }
}

function corrupt(ref: ArtifactRef, file: string): PipelineError {
  return new PipelineError('ARTIFACT_CORRUPT', `artifact ${file} does not match its digest ${ref.sha256.slice(0, 12)}`);
}
