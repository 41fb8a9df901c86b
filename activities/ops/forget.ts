import type { ArtifactInfo, LineageStore } from '../lineage/index.js';

/** Everything built from one source file, found through lineage. */
export interface Derived {
  /** Step keys (`<run id>/<step id>`) that read the source or anything built from it. */
  steps: string[];
  runs: string[];
  datasets: ArtifactInfo[];
  models: ArtifactInfo[];
  other: ArtifactInfo[];
}

/**
 * Walks the lineage graph downstream from a source file: the steps that read it, what they wrote,
 * the steps that read that, and so on (a conversion such as quantization reads the model it
 * converts, so model files are reached too). Breadth-first, each step once: the graph may hold
 * cycles through the cache (one digest written by several runs).
 */
export async function derivedFromSource(store: LineageStore, sha256: string): Promise<Derived> {
  return downstream(store, await store.sourceReaders(sha256));
}

/**
 * Everything built from the given artifacts (a step reading any of them, onwards), except what was
 * built only through `stop`: datasets known not to hold the record, whose readers need nothing.
 */
export async function derivedFromArtifacts(store: LineageStore, digests: readonly string[], stop: ReadonlySet<string> = new Set()): Promise<Derived> {
  const start: string[] = [];
  for (const d of digests) start.push(...(await directReaders(store, d)));
  return downstream(store, start, stop);
}

/** The steps that read an artifact themselves (depth 0). */
async function directReaders(store: LineageStore, digest: string): Promise<string[]> {
  return (await store.readersDownstream(digest, 0)).map((r) => `${r.runId}/${r.stepId}`);
}

async function downstream(store: LineageStore, start: string[], stop: ReadonlySet<string> = new Set()): Promise<Derived> {
  const seenSteps = new Set<string>();
  const artifacts = new Map<string, ArtifactInfo>();
  let frontier = start;
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const key of frontier) {
      if (seenSteps.has(key)) continue;
      seenSteps.add(key);
      for (const { artifact } of await store.writes(key)) {
        if (artifacts.has(artifact.digest)) continue;
        artifacts.set(artifact.digest, artifact);
        if (stop.has(artifact.digest)) continue;
        next.push(...(await directReaders(store, artifact.digest)));
      }
    }
    frontier = next;
  }
  const all = [...artifacts.values()].sort((a, b) => a.digest.localeCompare(b.digest));
  const steps = [...seenSteps].sort();
  return {
    steps,
    runs: [...new Set(steps.map((k) => k.slice(0, k.lastIndexOf('/'))))].sort(),
    models: all.filter((a) => a.labels.includes('Model')),
    datasets: all.filter((a) => !a.labels.includes('Model') && a.props.kind === 'records'),
    other: all.filter((a) => !a.labels.includes('Model') && a.props.kind !== 'records'),
  };
}
