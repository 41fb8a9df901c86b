import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PipelineError } from '../../core/errors.js';

/** A copy of a manifest file with its bucket files made absolute (relative paths are relative to the manifest). */
export async function absoluteManifest(file: string): Promise<string> {
  let manifest: { buckets?: { source?: string | { file?: unknown } }[] };
  try {
    manifest = JSON.parse(await fs.readFile(file, 'utf8')) as typeof manifest;
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `${file}: ${(err as Error).message}`, [{ path: file, message: 'cannot read the manifest as JSON' }]);
  }
  for (const b of Array.isArray(manifest.buckets) ? manifest.buckets : []) {
    // Seed 002's plain path string, or `{file}`.
    if (typeof b?.source === 'string' && b.source.length > 0) b.source = path.resolve(path.dirname(file), b.source);
    else if (b?.source && typeof b.source === 'object' && typeof b.source.file === 'string') b.source.file = path.resolve(path.dirname(file), b.source.file);
  }
  const copy = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-manifest-')), path.basename(file));
  await fs.writeFile(copy, JSON.stringify(manifest, null, 2));
  return copy;
}
