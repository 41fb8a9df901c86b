import fs from 'node:fs/promises';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { PipelineError } from '../errors.js';
import { shardManifestSchema, type ShardManifest } from '../../schemas/shard-manifest.js';

/** The `schema` of every shard manifest artifact (kind `shards`). */
export const SHARD_MANIFEST_SCHEMA = 'shard-manifest';

/*
 * Only a manifest's reference crosses Temporal; each shard's activity reads the manifest and picks
 * its shard, so a sharded step's payloads stay the same size whatever the number of shards.
 */
export { shardManifestSchema, type ShardManifest };

/** Writes a manifest of `shards` (in order); its ref's `records` is the dataset's total. */
export async function writeShardManifest(store: ArtifactStore, shards: ArtifactRef[], schema: string): Promise<ArtifactRef> {
  const records = shards.reduce((n, s) => n + (s.records ?? 0), 0);
  const manifest: ShardManifest = { version: 1, schema, records, shards };
  return store.putBytes(JSON.stringify(manifest, null, 2), '.json', { kind: 'shards', schema: SHARD_MANIFEST_SCHEMA, records });
}

/** Reads and checks a manifest; a malformed one is a non-retryable error naming the artifact and the field. */
export async function readShardManifest(store: ArtifactStore, ref: ArtifactRef): Promise<ShardManifest> {
  const file = await store.localPath(ref);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `shard manifest ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = shardManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: `${file}: ${i.path.join('.') || '(root)'}`, message: i.message }));
    throw new PipelineError('INVALID_INPUT_DATA', `shard manifest ${file} is invalid`, issues);
  }
  return parsed.data;
}
