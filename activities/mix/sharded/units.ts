import type { ArtifactRef } from '../../../core/artifacts/ref.js';
import type { ArtifactStore } from '../../../core/artifacts/store.js';
import { PipelineError } from '../../../core/errors.js';
import type { Bucket } from '../../../schemas/manifest.js';
import type { ExecuteStepInput } from '../../execute/execute-step-activity.js';
import { loadManifest, weighBuckets, type MixOptions, type MixWeights } from '../plan.js';
import { sourceShards } from '../sources.js';

/** One shard of one source, with the weighted buckets that read that source: what one activity of a sharded mix counts and draws. */
export interface MixUnit {
  /** Names the unit in its random streams: the source's digest and the shard's place in it. */
  key: string;
  index: number;
  ref: ArtifactRef;
  members: Bucket[];
}

/**
 * The mix's weights and its units, in a fixed order (sources as the manifest first names them, then
 * shards in order), recomputed by every activity from the manifest so that only a unit's number
 * crosses Temporal.
 */
export async function mixUnits(store: ArtifactStore, input: ExecuteStepInput): Promise<{ o: MixOptions; w: MixWeights; units: MixUnit[] }> {
  const o = input.options as MixOptions;
  const w = weighBuckets(await loadManifest(store, input.inputs.manifest as ArtifactRef), o, process.cwd());
  const units: MixUnit[] = [];
  for (const members of w.groups.values()) {
    const b = members[0]!;
    // Another host cannot read this host's files: a sharded mix reads stored artifacts only.
    if ('file' in b.source) {
      throw new PipelineError('INVALID_INPUT_DATA', `bucket "${b.name}": a mix over shards reads stored artifacts, not the file ${b.source.file} (load it with load-manifest)`, [
        { path: `buckets.${b.name}.source`, message: 'a file source in a sharded mix' },
      ]);
    }
    const sha = b.source.artifact.sha256;
    for (const [index, ref] of (await sourceShards(store, b)).entries()) units.push({ key: `${sha}:${index}`, index, ref, members });
  }
  return { o, w, units };
}
