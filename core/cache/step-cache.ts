import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sha256Text } from '../artifacts/hash.js';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { canonicalJson } from './canonical.js';

export interface CacheKeyParts {
  kind: string;
  version: string;
  options: unknown;
  inputs: Record<string, ArtifactRef | ArtifactRef[] | undefined>;
  fingerprint?: string;
}

export interface CachedResult {
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  /** A cached step that halted the run halts it again when served from the cache. */
  halt?: { reason: string };
}

/** key = kind + implementation version + canonical options + input digests (DESIGN.md, Step cache). */
export function cacheKey(parts: CacheKeyParts): string {
  const digests: Record<string, string | string[] | null> = {};
  for (const [name, ref] of Object.entries(parts.inputs)) {
    digests[name] = ref === undefined ? null : Array.isArray(ref) ? ref.map((r) => r.sha256) : ref.sha256;
  }
  return sha256Text(canonicalJson({ kind: parts.kind, version: parts.version, options: parts.options, inputs: digests, fingerprint: parts.fingerprint }));
}

/** Cache entries are small JSON files next to the artifacts; a hit counts only when every output verifies. */
export class StepCache {
  private dirMade: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly store: ArtifactStore,
  ) {}

  async lookup(key: string): Promise<CachedResult | undefined> {
    let entry: CachedResult;
    try {
      entry = JSON.parse(await fs.readFile(this.fileOf(key), 'utf8')) as CachedResult;
    } catch {
      return undefined;
    }
    for (const ref of Object.values(entry.outputs)) {
      if (!(await this.store.verify(ref))) return undefined;
    }
    return entry;
  }

  async save(key: string, result: CachedResult): Promise<void> {
    // Once per instance: a worker saves an entry for every step it runs.
    this.dirMade ??= fs.mkdir(this.dir, { recursive: true }).then(
      () => undefined,
      (err: unknown) => {
        this.dirMade = undefined;
        throw err;
      },
    );
    await this.dirMade;
    const tmp = path.join(this.dir, `.${randomUUID()}.tmp`);
    await fs.writeFile(tmp, JSON.stringify(result));
    await fs.rename(tmp, this.fileOf(key));
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
