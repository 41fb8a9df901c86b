import path from 'node:path';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { sha256File } from '../../core/artifacts/hash.js';
import { loadConfig } from '../../core/config.js';
import { zodIssueToIssue } from '../../core/dsl/compile.js';
import { insideRoots } from '../../core/sandbox/input-roots.js';
import { defineStep } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { manifestSchema } from '../../schemas/manifest.js';

async function sourceFiles(file: string): Promise<{ manifest: ReturnType<typeof manifestSchema.parse>; files: string[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `${file}: ${(err as Error).message}`, [{ path: file, message: 'cannot read the manifest as JSON' }]);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new PipelineError('INVALID_INPUT_DATA', `${file}: invalid manifest`, parsed.error.issues.map(zodIssueToIssue(file)));
  const dir = path.dirname(file);
  const files = parsed.data.buckets.map((b) => ('file' in b.source ? path.resolve(dir, b.source.file) : ''));
  return { manifest: parsed.data, files };
}

/**
 * Brings a manifest file into a pipeline: bucket files (relative to the manifest) are imported into
 * the store and the manifest names them as artifacts, so that a mix is cached on their content.
 */
export const loadManifestStep = defineStep({
  kind: 'load-manifest',
  description: 'Load a bucket manifest file and import its bucket sources',
  module: import.meta.url,
  paths: { path: 'read' },
  // Each bucket's source file is imported into the store as it is (DESIGN: PII before storage).
  storesRaw: () => true,
  inputs: {},
  outputs: { manifest: 'manifest' },
  options: z.object({ path: z.string().min(1) }).strict(),
  async fingerprint(o) {
    const file = path.resolve(o.path);
    const digests = [(await sha256File(file).catch(() => ({ sha256: 'missing' }))).sha256];
    const parsed = await sourceFiles(file).catch(() => undefined);
    // A bucket file outside the input roots is not read, not even for a digest: run refuses it.
    const roots = loadConfig().inputRoots;
    for (const f of parsed?.files ?? []) {
      if (f) digests.push((await insideRoots(f, roots)) ? (await sha256File(f).catch(() => ({ sha256: 'missing' }))).sha256 : 'outside');
    }
    return digests.join(',');
  },
  async run(ctx, _inputs, o) {
    const file = path.resolve(o.path);
    const { manifest, files } = await sourceFiles(file);
    const imported = new Map<string, Awaited<ReturnType<typeof ctx.store.putFile>>>();
    const buckets = [];
    for (const [i, b] of manifest.buckets.entries()) {
      const f = files[i]!;
      if (!f) {
        buckets.push(b);
        continue;
      }
      let ref = imported.get(f);
      // Bucket files are named by the manifest, not by params, so the plan-time check cannot see
      // them: the same rule applies here, before they are read. Files named on the user's own
      // command line (`forgeline stage`, where inputFiles is set) are trusted, as everywhere.
      if (!ref && !ctx.inputFiles && !(await insideRoots(f, ctx.config.inputRoots))) {
        throw new PipelineError('INVALID_PARAMS', `bucket "${b.name}": ${f} is outside the input roots; allowed roots: ${ctx.config.inputRoots.join(', ')} (docs/deployment.md)`, [
          { path: `${file} buckets[${i}].source.file`, message: 'outside the input roots' },
        ]);
      }
      if (!ref) {
        await fs.access(f).catch(() => {
          throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": source file not found: ${f}`, [{ path: `${file} buckets[${i}].source.file`, message: 'file not found' }]);
        });
        ref = await ctx.store.putFile(f, { kind: 'records', schema: 'any' });
        imported.set(f, ref);
      }
      buckets.push({ ...b, source: { artifact: ref } });
    }
    const ref = await writeJsonArtifact(ctx.store, { ...manifest, buckets }, 'manifest', 'bucket-manifest');
    // The manifest file and the bucket files it named: the lineage's source files.
    const sources = [{ path: file, sha256: (await sha256File(file)).sha256 }, ...[...imported].map(([f, r]) => ({ path: f, sha256: r.sha256 }))];
    return { outputs: { manifest: ref }, metadata: { buckets: buckets.length, imported: imported.size, sources } };
  },
});
