import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { props, stepKey, type LineageOp, type NodeRef, type Props } from './graph.js';

/** Who started a run: a Temporal Schedule, or a user (the starting client's identity). */
export type StartedBy = { type: 'schedule'; id: string } | { type: 'user'; name: string };

/** An approval step's decision: who (a person through the signal, or the timeout), when, and why. */
export interface ApprovalLineage {
  decision: 'approve' | 'reject';
  decidedBy: 'signal' | 'timeout';
  by: string;
  at: string;
  /** The reviewer's reason (`--note`), or what the timeout decided. */
  note?: string;
  prompt?: string;
}

/**
 * What the lineage of one finished step is made of: ids, digests and artifact references only,
 * never record text. The workflow sends the run/step ids, the step's result, the run's params and
 * who started it; the activity adds the params digest and the step kind's code version.
 */
export interface StepLineage {
  run: {
    id: string;
    pipeline: string;
    startedAt: string;
    paramsDigest?: string;
    /** Canonical JSON of the run's params (configuration, not data). */
    params?: string;
    startedBy?: StartedBy;
  };
  step: {
    id: string;
    kind: string;
    /** `rejected`: an approval step whose decision was reject (it ran, and halted the run). */
    status: 'succeeded' | 'cached' | 'rejected';
    cacheKey: string;
    /** The step kind's code version (hash of its module), when the worker knows the kind. */
    version?: string;
    durationMs?: number;
    startedAt?: string;
    endedAt: string;
  };
  inputs: Record<string, ArtifactRef | ArtifactRef[] | undefined>;
  outputs: Record<string, ArtifactRef>;
  metadata: Record<string, unknown>;
  /** Only for approval steps. */
  approval?: ApprovalLineage;
}

/** `Q4_K_M`, `q8_0`, `IQ4_XS`, `F16`, `BF16`... as an output name or a schema suffix (`gguf-q4_k_m`). */
const QUANT_RE = /^(q\d+(_[a-z0-9]+)*|iq\d\w*|f16|f32|bf16)$/i;

/** Turns one finished step into idempotent graph upserts (see docs/lineage.md for the rules). */
export function lineageOps(l: StepLineage): LineageOp[] {
  const ops: LineageOp[] = [];
  const run: NodeRef = { label: 'Run', key: l.run.id };
  const step: NodeRef = { label: 'Step', key: stepKey(l.run.id, l.step.id) };
  const art = (ref: ArtifactRef): NodeRef => ({ label: 'Artifact', key: ref.sha256 });

  ops.push({ op: 'node', label: 'Pipeline', key: l.run.pipeline });
  ops.push({
    op: 'node',
    label: 'Run',
    key: l.run.id,
    set: props({ pipeline: l.run.pipeline, paramsDigest: l.run.paramsDigest, params: l.run.params }),
    setIfAbsent: props({ startedAt: l.run.startedAt }),
  });
  ops.push({ op: 'rel', type: 'RUN_OF', from: run, to: { label: 'Pipeline', key: l.run.pipeline } });
  const by = l.run.startedBy;
  if (by) {
    const to: NodeRef = by.type === 'schedule' ? { label: 'Schedule', key: by.id } : { label: 'User', key: by.name };
    ops.push({ op: 'node', label: to.label, key: to.key });
    ops.push({ op: 'rel', type: 'STARTED_BY', from: run, to });
  }
  ops.push({
    op: 'node',
    label: 'Step',
    key: step.key,
    set: props({
      runId: l.run.id,
      stepId: l.step.id,
      kind: l.step.kind,
      status: l.step.status,
      cacheKey: l.step.cacheKey,
      version: l.step.version,
      durationMs: l.step.durationMs,
      startedAt: l.step.startedAt,
      endedAt: l.step.endedAt,
    }),
  });
  ops.push({ op: 'rel', type: 'RAN', from: run, to: step });
  if (l.approval) ops.push(...approvalOps(l.approval, run, step));

  const inputs: Array<{ name: string; ref: ArtifactRef }> = [];
  for (const [name, value] of Object.entries(l.inputs)) {
    if (!value) continue;
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((ref, i) => inputs.push({ name: Array.isArray(value) ? `${name}[${i}]` : name, ref }));
  }
  for (const { name, ref } of inputs) {
    ops.push(artifactNode(ref));
    ops.push({ op: 'rel', type: 'READ', from: step, to: art(ref), keyProps: { input: name } });
  }
  for (const src of sourcesOf(l.metadata)) {
    ops.push({ op: 'node', label: 'SourceFile', key: src.sha256, set: props({ path: src.path }) });
    ops.push({ op: 'rel', type: 'READ', from: step, to: { label: 'SourceFile', key: src.sha256 }, keyProps: { input: 'source' } });
  }

  const models = inputs.filter((i) => i.ref.kind === 'model');
  const modelOutputs = Object.entries(l.outputs).filter(([, ref]) => ref.kind === 'model');
  // A step that reports a quantization converted its model: the records it read (quantize's `data`,
  // whose digest only goes into the model card) did not train it.
  const converts = reportsQuantization(l.metadata);
  // Held-out data (`valid*` inputs) is read, but nothing is trained on it.
  const records = converts ? [] : inputs.filter((i) => i.ref.kind === 'records' && !/^valid/i.test(i.name));
  for (const [name, ref] of Object.entries(l.outputs)) {
    const node = artifactNode(ref);
    ops.push(node);
    ops.push({ op: 'rel', type: 'WROTE', from: step, to: art(ref), keyProps: { output: name } });
    if (ref.kind === 'model' && node.op === 'node') {
      const trained = records.length > 0;
      const quantization = quantizationOf(name, ref, l.metadata, modelOutputs.length);
      // Name and first-seen time are kept from the first write, whichever step's write comes first.
      node.addLabels = ['Model'];
      node.set = { ...node.set, ...props({ format: ref.schema, quantization, ...(trained ? { trained: true } : {}) }) };
      node.setIfAbsent = props({ name: stringField(l.metadata, 'modelName') ?? `${l.run.pipeline}/${l.step.id}`, firstSeenAt: l.step.endedAt });
      for (const r of records) ops.push({ op: 'rel', type: 'TRAINED_ON', from: art(ref), to: art(r.ref) });
      for (const m of models) {
        ops.push({ op: 'rel', type: 'DERIVED_FROM', from: art(ref), to: art(m.ref), set: { via: l.step.kind, how: trained ? 'trained' : 'converted' } });
      }
    }
    if (ref.kind === 'report' && ref.schema === 'eval') {
      const metrics = metricsOf(l.metadata);
      ops.push({
        op: 'node',
        label: 'Artifact',
        key: ref.sha256,
        addLabels: ['Eval'],
        set: props({ metrics: metrics ? JSON.stringify(metrics) : undefined, decision: decisionOf(l.metadata) }),
      });
      for (const m of models) ops.push({ op: 'rel', type: 'SCORED', from: art(ref), to: art(m.ref), keyProps: { input: m.name } });
    }
  }

  // A promotion decision applies to the model the step names (`model: <sha256>`: the promote step
  // judges an eval report, not a model input), else to the models it read, except the reference
  // models (inputs named base*), which are what the candidate is compared against.
  const decision = decisionOf(l.metadata);
  if (decision) {
    const named = isDigest(l.metadata.model) ? [l.metadata.model] : models.filter((x) => !/^base/i.test(x.name)).map((m) => m.ref.sha256);
    for (const digest of named) {
      ops.push({ op: 'node', label: 'Artifact', key: digest, addLabels: ['Model'], set: { promotion: decision, promotionStep: step.key } });
    }
  }
  return ops;
}

/**
 * The decision as a node of its own, tied to the step it decided and to the run, and to the person
 * who decided (a timeout is no person). A reject is recorded like an approve: it is the reason the
 * run stopped.
 */
function approvalOps(a: ApprovalLineage, run: NodeRef, step: NodeRef): LineageOp[] {
  const approval: NodeRef = { label: 'Approval', key: step.key };
  const ops: LineageOp[] = [
    { op: 'node', label: 'Approval', key: approval.key, set: props({ decision: a.decision, decidedBy: a.decidedBy, by: a.by, at: a.at, note: a.note, prompt: a.prompt }) },
    { op: 'rel', type: 'DECIDED', from: approval, to: step },
    { op: 'rel', type: 'HAD_APPROVAL', from: run, to: approval },
  ];
  if (a.decidedBy === 'signal') {
    ops.push({ op: 'node', label: 'User', key: a.by });
    ops.push({ op: 'rel', type: 'DECIDED_BY', from: approval, to: { label: 'User', key: a.by } });
  }
  return ops;
}

const isDigest = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function reportsQuantization(meta: Record<string, unknown>): boolean {
  const q = meta.quantizations;
  return (typeof meta.quantization === 'string' && QUANT_RE.test(meta.quantization)) || (!!q && typeof q === 'object' && !Array.isArray(q));
}

function artifactNode(ref: ArtifactRef): LineageOp {
  return {
    op: 'node',
    label: 'Artifact',
    key: ref.sha256,
    set: props({ kind: ref.kind, schema: ref.schema, bytes: ref.bytes, records: ref.records, uri: ref.uri }),
  };
}

function stringField(meta: Record<string, unknown>, key: string): string | undefined {
  const v = meta[key];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;
}

function quantizationOf(output: string, ref: ArtifactRef, meta: Record<string, unknown>, modelOutputs: number): string | undefined {
  const perOutput = meta.quantizations;
  if (perOutput && typeof perOutput === 'object' && !Array.isArray(perOutput)) {
    const q = (perOutput as Record<string, unknown>)[output];
    if (typeof q === 'string' && QUANT_RE.test(q)) return q.toUpperCase();
  }
  const single = stringField(meta, 'quantization');
  if (single && modelOutputs === 1 && QUANT_RE.test(single)) return single.toUpperCase();
  const suffix = ref.schema.split(/[-:/]/).pop() ?? '';
  if (QUANT_RE.test(suffix)) return suffix.toUpperCase();
  if (QUANT_RE.test(output)) return output.toUpperCase();
  return undefined;
}

/**
 * Promotion decisions in step metadata: `decision: 'promoted' | 'not promoted'` or `promoted: boolean`;
 * `rejected` is the gate's word for `not promoted` in runs recorded before the rename.
 */
function decisionOf(meta: Record<string, unknown>): 'promoted' | 'not promoted' | undefined {
  const d = meta.decision;
  if (d === 'promoted' || d === 'not promoted') return d;
  if (d === 'rejected') return 'not promoted';
  if (typeof meta.promoted === 'boolean') return meta.promoted ? 'promoted' : 'not promoted';
  return undefined;
}

/** Numeric metrics only (`metadata.metrics`, nested up to three levels, flattened with dots). */
export function metricsOf(meta: Record<string, unknown>): Props | undefined {
  const root = meta.metrics;
  if (!root || typeof root !== 'object' || Array.isArray(root)) return undefined;
  const out: Props = {};
  const walk = (value: unknown, prefix: string, depth: number): void => {
    if (typeof value === 'number' && Number.isFinite(value)) out[prefix] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k, depth + 1);
    }
  };
  walk(root, '', 0);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Files read from outside the store: `sourceSha256` (+ `sourcePath`), or `sources: [{path, sha256}]`. */
function sourcesOf(meta: Record<string, unknown>): Array<{ sha256: string; path?: string }> {
  const out: Array<{ sha256: string; path?: string }> = [];
  if (isDigest(meta.sourceSha256)) out.push({ sha256: meta.sourceSha256, path: stringField(meta, 'sourcePath') });
  if (Array.isArray(meta.sources)) {
    for (const s of meta.sources as unknown[]) {
      if (s && typeof s === 'object' && isDigest((s as { sha256?: unknown }).sha256)) {
        const p = (s as { path?: unknown }).path;
        out.push({ sha256: (s as { sha256: string }).sha256, path: typeof p === 'string' ? p : undefined });
      }
    }
  }
  return out;
}
