import type { EvalReport, ParityRow } from '../eval/result.js';
import type { Verdict } from '../eval/verdict.js';

/**
 * Everything the run report shows, gathered from the run's state (steps, timings, metadata) and
 * from the artifacts given to the report step. Pure data: html.ts renders it.
 */
export interface StepRow {
  id: string;
  kind: string;
  status: string;
  durationMs?: number;
  cached: boolean;
}

export interface LossCurve {
  phase: string;
  train: [number, number][];
  valid: [number, number][];
}

export interface ModelFile {
  name: string;
  quantization: string;
  bytes: number;
  ratioToF16?: number;
  sha256: string;
}

export interface RejectsRow {
  stepId: string;
  /** The file's name in the run folder (core/runs/names.ts). */
  file: string;
  records: number;
  /** Reason -> count, most common first (the step's `dropped` metadata, where it keeps one). */
  reasons: [string, number][];
}

export interface ReportData {
  title: string;
  runId: string;
  pipeline: string;
  status: string;
  generatedAt: string;
  notes: string[];
  steps: StepRow[];
  buckets?: { source: string; rows: { label: string; value: number }[] };
  quality?: { threshold?: number; bins: { label: string; value: number }[] };
  pii?: { total: number; byType: { label: string; value: number }[] };
  dedup?: { total: number; kept: number; rejected: number; dropped: Record<string, number>; clusters?: number };
  split?: { train: number; valid: number; test: number; crossSplit?: number; ratios?: number[] };
  curves: LossCurve[];
  evals: EvalReport[];
  promotion?: { decision: string; phase?: string; reasons: string[]; verdict?: Verdict };
  /** Every step's rejects output: how many records it set aside, where, and its commonest reasons. */
  rejects?: RejectsRow[];
  /** The parity step's rows: the reference model first, then each quantized file. */
  parity?: ParityRow[];
  models: ModelFile[];
}

/** A piece of evidence: a step's metadata or a report artifact's JSON, with where it came from. */
export interface Fact {
  source: 'metadata' | 'artifact';
  /** Step kind (metadata) or report schema (artifact). */
  kind: string;
  stepId?: string;
  data: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A flat `{name: count}` object (nested counters flattened away), sorted by count. */
function counts(v: unknown): { label: string; value: number }[] | undefined {
  if (!isRecord(v)) return undefined;
  const rows = Object.entries(v).flatMap(([label, value]) => (typeof value === 'number' ? [{ label, value }] : []));
  return rows.length ? rows.sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : 1)) : undefined;
}

const pick = (facts: Fact[], kinds: string[]): Fact[] => facts.filter((f) => kinds.includes(f.kind));

/** Bucket distribution: the mix step's planned counts, else analyze's distribution, else the dataset report's balance. */
export function bucketsOf(facts: Fact[]): ReportData['buckets'] {
  for (const f of pick(facts, ['mix', 'mix-report'])) {
    const b = f.data.buckets;
    if (Array.isArray(b) && b.length) {
      const rows = b.flatMap((x) => (isRecord(x) && typeof x.name === 'string' && num(x.requested) !== undefined ? [{ label: x.name, value: x.requested as number }] : []));
      if (rows.length) return { source: `mix${typeof f.data.phase === 'string' ? ` (${f.data.phase})` : ''}`, rows };
    }
  }
  for (const f of pick(facts, ['analyze'])) {
    const d = f.data.distribution;
    // analyze: {name: {count, share}}; a plain {name: count} works too.
    const rows = isRecord(d)
      ? Object.entries(d).flatMap(([label, x]) => {
          const value = isRecord(x) ? num(x.count) : num(x);
          return value !== undefined ? [{ label, value }] : [];
        })
      : undefined;
    if (rows?.length) return { source: 'analyze', rows };
  }
  for (const f of pick(facts, ['dataset-report', 'report'])) {
    const rows = isRecord(f.data.balance) ? counts(f.data.balance.buckets) : undefined;
    if (rows) return { source: 'dataset report', rows };
  }
  return undefined;
}

/** Quality-score histogram: the score step's `scoreHistogram` (bins 0..9) and its threshold. */
export function qualityOf(facts: Fact[]): ReportData['quality'] {
  for (const f of pick(facts, ['score', 'score-report'])) {
    const h = f.data.scoreHistogram;
    if (!isRecord(h)) continue;
    const bins = Array.from({ length: 10 }, (_, i) => ({ label: String(i), value: num(h[String(i)]) ?? 0 }));
    const threshold = num(f.data.threshold);
    return { bins, ...(threshold !== undefined ? { threshold } : {}) };
  }
  return undefined;
}

/** PII findings per type (counts only: the pii stage never reports values). */
export function piiOf(facts: Fact[]): ReportData['pii'] {
  for (const f of pick(facts, ['pii', 'pii-report'])) {
    const rows = counts(f.data.findings);
    if (rows) return { total: rows.reduce((s, r) => s + r.value, 0), byType: rows };
  }
  return undefined;
}

export function dedupOf(facts: Fact[]): ReportData['dedup'] {
  for (const f of pick(facts, ['dedup', 'dedup-report'])) {
    const total = num(f.data.total);
    const kept = num(f.data.kept);
    if (total === undefined || kept === undefined) continue;
    const dropped = Object.fromEntries((counts(f.data.dropped) ?? []).map((r) => [r.label, r.value]));
    const clusters = num(f.data.clusters);
    return { total, kept, rejected: num(f.data.rejected) ?? total - kept, dropped, ...(clusters !== undefined ? { clusters } : {}) };
  }
  return undefined;
}

export function splitOf(facts: Fact[]): ReportData['split'] {
  for (const f of pick(facts, ['split', 'split-report'])) {
    const [train, valid, test] = [num(f.data.train), num(f.data.valid), num(f.data.test)];
    if (train === undefined || valid === undefined || test === undefined) continue;
    // split's crossSplit: {exactDuplicates, nearDuplicates, groups}, pairs across splits (0 by construction).
    const c = f.data.crossSplit;
    const cross = num(c) ?? (isRecord(c) ? Object.values(c).reduce<number>((s, v) => s + (num(v) ?? 0), 0) : undefined);
    const ratios = Array.isArray(f.data.ratios) ? (f.data.ratios as unknown[]).filter((x): x is number => typeof x === 'number') : undefined;
    return { train, valid, test, ...(cross !== undefined ? { crossSplit: cross } : {}), ...(ratios ? { ratios } : {}) };
  }
  return undefined;
}

export function promotionOf(facts: Fact[]): ReportData['promotion'] {
  for (const f of pick(facts, ['promotion', 'promote'])) {
    const decision = f.data.decision;
    if (typeof decision !== 'string') continue;
    const reasons = Array.isArray(f.data.reasons) ? f.data.reasons.map(String) : [];
    const v = f.data.verdict;
    const verdict = isRecord(v) && typeof v.metric === 'string' ? (v as unknown as Verdict) : undefined;
    return { decision, reasons, ...(typeof f.data.phase === 'string' ? { phase: f.data.phase } : {}), ...(verdict ? { verdict } : {}) };
  }
  return undefined;
}

/** Parity rows: the `parity` report's `rows`, else the parity step's metadata `parity`. */
export function parityOf(facts: Fact[]): ReportData['parity'] {
  for (const f of pick(facts, ['parity'])) {
    const rows = Array.isArray(f.data.rows) ? f.data.rows : f.data.parity;
    if (!Array.isArray(rows)) continue;
    const parsed = rows.flatMap((r): ParityRow[] => {
      if (!isRecord(r) || typeof r.model !== 'string' || num(r.perplexity) === undefined || num(r.ratioToReference) === undefined) return [];
      return [{ model: r.model, type: typeof r.type === 'string' ? r.type : '?', bytes: num(r.bytes) ?? 0, sha256: typeof r.sha256 === 'string' ? r.sha256 : '', perplexity: r.perplexity as number, ratioToReference: r.ratioToReference as number }];
    });
    if (parsed.length) return parsed;
  }
  return undefined;
}

/**
 * Loss curves from records artifacts of progress rows: `{step, loss}` and optionally `phase`,
 * `valLoss` / `validLoss` / `eval_loss`, or `split: "valid"` rows. Rows without a phase take the
 * producing step's id.
 */
export function curvesOf(rows: { phase: string; row: Record<string, unknown> }[]): LossCurve[] {
  const byPhase = new Map<string, LossCurve & { lastStep: number }>();
  for (const { phase: fallback, row } of rows) {
    const phase = typeof row.phase === 'string' ? row.phase : fallback;
    const c = byPhase.get(phase) ?? { phase, train: [], valid: [], lastStep: 0 };
    byPhase.set(phase, c);
    const val = num(row.valLoss) ?? num(row.validLoss) ?? num(row.eval_loss) ?? num(row.valid_loss);
    // The llamacpp trainer's end-of-epoch rows carry validLoss (and an epoch-mean trainLoss) but no step.
    if (row.kind === 'epoch') {
      if (val !== undefined) c.valid.push([num(row.step) ?? c.lastStep, val]);
      continue;
    }
    const step = num(row.step) ?? num(row.globalStep) ?? num(row.iteration);
    if (step === undefined) continue;
    c.lastStep = step;
    const loss = num(row.loss) ?? num(row.trainLoss) ?? num(row.train_loss);
    if (row.split === 'valid' || row.split === 'validation') {
      if (loss !== undefined) c.valid.push([step, loss]);
    } else if (loss !== undefined) c.train.push([step, loss]);
    if (val !== undefined) c.valid.push([step, val]);
  }
  return [...byPhase.values()].filter((c) => c.train.length + c.valid.length > 0).map(({ phase, train, valid }) => ({ phase, train, valid }));
}

/** Model files: quantize facts (quantization, bytes, ratio to F16) matched by step; other model outputs by size alone. */
/** `fileType`: the GGUF header's type (the finisher reads it), for models no quantize step describes. */
export function modelsOf(models: { stepId: string; kind: string; ref: { sha256: string; bytes: number }; facts?: Record<string, unknown>; fileType?: string }[]): ModelFile[] {
  const seen = new Set<string>();
  const out: ModelFile[] = [];
  for (const m of models) {
    if (seen.has(m.ref.sha256)) continue;
    seen.add(m.ref.sha256);
    const f = m.facts ?? {};
    // `type`: quantize reports written before the field was named `quantization`.
    // The header's type otherwise: a trained export is F16 or F32, the embedded base Q4_1.
    const q = typeof f.quantization === 'string' ? f.quantization : typeof f.type === 'string' ? f.type : (m.fileType ?? (m.kind === 'quantize' ? '?' : 'not GGUF'));
    const ratio = num(f.ratioToF16);
    out.push({ name: m.stepId, quantization: q, bytes: m.ref.bytes, sha256: m.ref.sha256, ...(ratio !== undefined ? { ratioToF16: ratio } : {}) });
  }
  return out;
}
