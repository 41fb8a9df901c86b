import { S3Client } from '@aws-sdk/client-s3';
import { statePaths, type ForgelineConfig } from '../config.js';
import { LocalArtifactStore } from './local-store.js';
import { S3ArtifactStore } from './s3/store.js';
import type { ArtifactStore } from './store.js';

/**
 * The artifact store the config names: the one place a store is built. FORGELINE_ARTIFACTS=s3://...
 * gives every worker host the same bucket; unset, the state folder's local store.
 */
export function openArtifactStore(config: Pick<ForgelineConfig, 'home' | 'artifacts' | 'artifactCacheBytes'>): ArtifactStore {
  const paths = statePaths(config.home);
  const where = config.artifacts;
  if (where.kind === 'local') return new LocalArtifactStore(paths.artifacts);
  const client = new S3Client({
    // The SDK finds credentials itself (environment, shared files, instance roles: its default
    // chain). A server other than AWS (SeaweedFS, MinIO) is reached by path-style addressing:
    // `<bucket>.<host>` names do not resolve there.
    ...(where.endpoint ? { endpoint: where.endpoint, forcePathStyle: true } : {}),
    region: where.region ?? 'us-east-1',
  });
  return new S3ArtifactStore({ client, bucket: where.bucket, prefix: where.prefix, cacheDir: paths.artifactCache, cacheBytes: config.artifactCacheBytes });
}
