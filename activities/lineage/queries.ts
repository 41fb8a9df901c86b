import { PipelineError } from '../../core/errors.js';
import { metricsOf } from './derive.js';
import { byDigest, byStep, num, str, type ApprovalInfo, type ArtifactInfo, type LineageStore, type RawModel, type ReadEdge, type RunInfo, type StepInfo } from './store.js';

/**
 * The three questions users ask, answered the same way over either store: the upstream lineage of
 * an artifact, model or run; the model registry; and the runs that used an artifact.
 */

export type Target = { type: 'run'; run: RunInfo } | { type: 'artifact'; digest: string };

const MAX_DEPTH = 50;

/** A run id, an artifact digest (or a unique prefix of at least 6 hex digits), or a model `name[@vN]`. */
export async function resolveTarget(store: LineageStore, id: string): Promise<Target> {
  const run = await store.run(id);
  if (run) return { type: 'run', run };
  if (/^[0-9a-f]{6,64}$/.test(id)) {
    const found = await store.findArtifacts(id);
    if (found.length === 1) return { type: 'artifact', digest: found[0]! };
    if (found.length > 1) {
      throw new PipelineError('INVALID_PARAMS', `"${id}" matches ${found.length} artifacts (${found.slice(0, 3).map((d) => d.slice(0, 16)).join(', ')}...); give more digits`, [
        { path: 'target', message: 'ambiguous digest prefix' },
      ]);
    }
  }
  const at = id.lastIndexOf('@v');
  const name = at > 0 ? id.slice(0, at) : id;
  const version = at > 0 ? Number(id.slice(at + 2)) : undefined;
  const versions = (await registry(store)).filter((m) => m.name === name);
  const model = version === undefined ? versions.at(-1) : versions.find((m) => m.version === version);
  if (model) return { type: 'artifact', digest: model.digest };
  throw new PipelineError('INVALID_PARAMS', `no run, artifact or model "${id}" in the ${store.name} lineage store`, [
    { path: 'target', message: 'not found (a run id, an artifact digest or prefix, or a model name[@vN])' },
  ]);
}

// ---------- upstream lineage ----------

export interface ArtifactTree {
  artifact: ArtifactInfo;
  /** Already shown higher up in this tree. */
  repeated?: true;
  producedBy?: {
    step: StepInfo;
    reads: Array<{ input: string; artifact?: ArtifactTree; source?: { sha256: string; path?: string } }>;
    /** Other steps that wrote the same digest (later runs, cache hits). */
    alsoBy: StepInfo[];
  };
}

export interface RunLineage {
  run: RunInfo;
  steps: Array<{
    step: StepInfo;
    reads: Array<{ input: string; artifact?: ArtifactInfo; source?: { sha256: string; path?: string } }>;
    writes: Array<{ output: string; artifact: ArtifactInfo }>;
    approval?: ApprovalInfo;
  }>;
}

export async function artifactLineage(store: LineageStore, digest: string, seen = new Set<string>(), depth = 0): Promise<ArtifactTree> {
  const artifact = (await store.artifact(digest)) ?? { digest, labels: [], props: {} };
  if (seen.has(digest) || depth > MAX_DEPTH) return { artifact, repeated: true };
  seen.add(digest);
  const producers = dedupe(await store.producers(digest)).sort(
    (a, b) => Number(a.status === 'cached') - Number(b.status === 'cached') || byStep(a, b),
  );
  const [first, ...alsoBy] = producers;
  if (!first) return { artifact };
  const reads: NonNullable<ArtifactTree['producedBy']>['reads'] = [];
  for (const edge of (await store.reads(first.key)).sort(byInput)) {
    if ('source' in edge) reads.push({ input: edge.input, source: edge.source });
    else reads.push({ input: edge.input, artifact: await artifactLineage(store, edge.artifact.digest, seen, depth + 1) });
  }
  return { artifact, producedBy: { step: first, reads, alsoBy } };
}

export async function runLineage(store: LineageStore, run: RunInfo): Promise<RunLineage> {
  const steps = dedupe(await store.runSteps(run.id)).sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.stepId.localeCompare(b.stepId),
  );
  const out: RunLineage = { run, steps: [] };
  const approvals = new Map((await store.approvals(run.id)).map((a) => [a.stepId, a]));
  for (const step of steps) {
    const reads = (await store.reads(step.key))
      .map((e) => ('source' in e ? { input: e.input, source: e.source } : { input: e.input, artifact: e.artifact }))
      .sort(byInput);
    const writes = (await store.writes(step.key)).sort((a, b) => a.output.localeCompare(b.output));
    const approval = approvals.get(step.stepId);
    out.steps.push({ step, reads, writes, ...(approval ? { approval } : {}) });
  }
  return out;
}

// ---------- registry ----------

export interface RegistryEntry {
  name: string;
  version: number;
  digest: string;
  format?: string;
  quantization?: string;
  bytes?: number;
  firstSeenAt?: string;
  runId?: string;
  stepId?: string;
  trainedOn: string[];
  bases: string[];
  files: Array<{ digest: string; quantization?: string; format?: string; bytes?: number }>;
  evals: Array<{ digest: string; metrics: Record<string, number>; decision?: string }>;
  promotion?: 'promoted' | 'not promoted';
}

export async function registry(store: LineageStore): Promise<RegistryEntry[]> {
  return buildRegistry(await store.trainedModels());
}

/** Versions count up per model name in the order models were first seen. */
export function buildRegistry(raw: RawModel[]): RegistryEntry[] {
  const entries = raw.map((r): RegistryEntry => {
    const p = r.model.props;
    const producer = dedupe(r.producers).sort(byStep)[0];
    const files = [...r.files].sort(byDigest).map((f) => ({
      digest: f.digest,
      ...opt('quantization', str(f.props.quantization)),
      ...opt('format', str(f.props.format)),
      ...opt('bytes', num(f.props.bytes)),
    }));
    const evals = [...r.evals].sort(byDigest).map((e) => ({
      digest: e.digest,
      metrics: parseMetrics(e.props.metrics),
      ...opt('decision', str(e.props.decision)),
    }));
    // Decisions were applied to the candidate models when recorded; an eval's own decision also
    // concerns the base it compared against, so it is not read here.
    const decisions = [p.promotion, ...r.files.map((f) => f.props.promotion)];
    const promotion: RegistryEntry['promotion'] = decisions.includes('promoted') ? 'promoted' : decisions.some((d) => d === 'not promoted' || d === 'rejected') ? 'not promoted' : undefined;
    return {
      name: str(p.name) ?? r.model.digest.slice(0, 12),
      version: 0,
      digest: r.model.digest,
      ...opt('format', str(p.format)),
      ...opt('quantization', str(p.quantization)),
      ...opt('bytes', num(p.bytes)),
      ...opt('firstSeenAt', str(p.firstSeenAt)),
      ...opt('runId', producer?.runId),
      ...opt('stepId', producer?.stepId),
      trainedOn: [...r.trainedOn].sort(),
      bases: [...r.bases].sort(),
      files,
      evals,
      ...opt('promotion', promotion),
    };
  });
  entries.sort((a, b) => a.name.localeCompare(b.name) || (a.firstSeenAt ?? '').localeCompare(b.firstSeenAt ?? '') || a.digest.localeCompare(b.digest));
  const counters = new Map<string, number>();
  for (const e of entries) {
    e.version = (counters.get(e.name) ?? 0) + 1;
    counters.set(e.name, e.version);
  }
  return entries;
}

function parseMetrics(value: unknown): Record<string, number> {
  if (typeof value !== 'string') return {};
  try {
    return (metricsOf({ metrics: JSON.parse(value) as unknown }) ?? {}) as Record<string, number>;
  } catch {
    return {};
  }
}

// ---------- runs that used an artifact ----------

export interface RunUse {
  run: RunInfo;
  /** 0 = a step of the run read the artifact itself; n = it read something derived from it in n steps. */
  distance: number;
  steps: string[];
}

export async function runsUsing(store: LineageStore, digest: string, maxDepth = 10): Promise<RunUse[]> {
  const byRun = new Map<string, { distance: number; steps: Set<string> }>();
  for (const r of await store.readersDownstream(digest, maxDepth)) {
    const cur = byRun.get(r.runId);
    if (!cur || r.distance < cur.distance) byRun.set(r.runId, { distance: r.distance, steps: new Set([r.stepId]) });
    else if (r.distance === cur.distance) cur.steps.add(r.stepId);
  }
  const out: RunUse[] = [];
  for (const [runId, use] of byRun) {
    const run = (await store.run(runId)) ?? { id: runId, pipeline: '' };
    out.push({ run, distance: use.distance, steps: [...use.steps].sort() });
  }
  return out.sort((a, b) => (a.run.startedAt ?? '').localeCompare(b.run.startedAt ?? '') || a.run.id.localeCompare(b.run.id));
}

/** By input name, then digest: several source files share the input name `source`. */
function byInput(a: ReadEdge, b: ReadEdge): number {
  const digest = (e: ReadEdge): string => ('source' in e ? e.source.sha256 : e.artifact.digest);
  return a.input.localeCompare(b.input) || digest(a).localeCompare(digest(b));
}

function dedupe(steps: StepInfo[]): StepInfo[] {
  const seen = new Map<string, StepInfo>();
  for (const s of steps) if (!seen.has(s.key)) seen.set(s.key, s);
  return [...seen.values()];
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
