import type { LineageOp, PropValue, Props } from './graph.js';

/**
 * One interface over the two lineage stores (Neo4j, and the embedded JSONL journal). Each store
 * answers the primitive questions with its own query engine (Cypher, or walks over maps); the
 * shared code in queries.ts turns the answers into trees and tables, so both print the same thing.
 */
export interface LineageStore {
  readonly name: 'neo4j' | 'local';
  /** Constraints and indexes (Neo4j), created idempotently; a no-op where there is nothing to create. */
  ensureSchema(): Promise<void>;
  /** Applies upserts in one transaction; applying the same ops again changes nothing. */
  apply(ops: LineageOp[]): Promise<void>;
  /** Digests of artifacts whose digest starts with `prefix`. */
  findArtifacts(prefix: string): Promise<string[]>;
  run(id: string): Promise<RunInfo | undefined>;
  artifact(digest: string): Promise<ArtifactInfo | undefined>;
  /** The steps that wrote an artifact (several when runs reproduced it, or served it from the cache). */
  producers(digest: string): Promise<StepInfo[]>;
  /** What a step read: artifacts and source files. */
  reads(stepKey: string): Promise<ReadEdge[]>;
  writes(stepKey: string): Promise<Array<{ output: string; artifact: ArtifactInfo }>>;
  runSteps(runId: string): Promise<StepInfo[]>;
  /** The run's approval decisions (approve and reject), with the step each one decided. */
  approvals(runId: string): Promise<ApprovalInfo[]>;
  /** Trained models with their files, evaluations and producing steps (raw; see buildRegistry). */
  trainedModels(): Promise<RawModel[]>;
  /** Keys of the steps that read a source file (by its sha256) from outside the store: where deletion by source starts. */
  sourceReaders(sha256: string): Promise<string[]>;
  /** Steps that read the artifact or something derived from it: `distance` derivation steps away. */
  readersDownstream(digest: string, maxDepth: number): Promise<Array<{ runId: string; stepId: string; distance: number }>>;
  /** Node counts per label and relationship counts per type. */
  counts(): Promise<{ nodes: Record<string, number>; relationships: Record<string, number> }>;
  close(): Promise<void>;
}

export interface RunInfo {
  id: string;
  pipeline: string;
  startedAt?: string;
  paramsDigest?: string;
  params?: string;
  /** `schedule:<id>` or `user:<name>`. */
  startedBy?: string;
}

export interface StepInfo {
  key: string;
  runId: string;
  stepId: string;
  kind: string;
  status: string;
  cacheKey?: string;
  version?: string;
  durationMs?: number;
  startedAt?: string;
  endedAt?: string;
}

export interface ApprovalInfo {
  stepId: string;
  decision: string;
  /** `signal` (a person) or `timeout`. */
  decidedBy: string;
  by: string;
  at: string;
  note?: string;
  prompt?: string;
}

export function toApprovalInfo(stepId: string, p: Record<string, unknown>): ApprovalInfo {
  const s = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
  const info: ApprovalInfo = { stepId, decision: s('decision'), decidedBy: s('decidedBy'), by: s('by'), at: s('at') };
  if (s('note')) info.note = s('note');
  if (s('prompt')) info.prompt = s('prompt');
  return info;
}

export interface ArtifactInfo {
  digest: string;
  labels: string[];
  props: Props;
}

export type ReadEdge =
  | { input: string; artifact: ArtifactInfo }
  | { input: string; source: { sha256: string; path?: string } };

export interface RawModel {
  model: ArtifactInfo;
  trainedOn: string[];
  bases: string[];
  files: ArtifactInfo[];
  evals: ArtifactInfo[];
  producers: StepInfo[];
}

export const str = (v: PropValue | undefined): string | undefined => (v === undefined ? undefined : String(v));
export const num = (v: PropValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

export function toStepInfo(p: Record<string, unknown>): StepInfo {
  const s = (k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const info: StepInfo = { key: s('key') ?? '', runId: s('runId') ?? '', stepId: s('stepId') ?? '', kind: s('kind') ?? '', status: s('status') ?? '' };
  for (const k of ['cacheKey', 'version', 'startedAt', 'endedAt'] as const) if (s(k) !== undefined) info[k] = s(k);
  if (typeof p.durationMs === 'number') info.durationMs = p.durationMs;
  return info;
}

export function toRunInfo(p: Record<string, unknown>, startedBy: string | undefined): RunInfo {
  const s = (k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const info: RunInfo = { id: s('id') ?? '', pipeline: s('pipeline') ?? '' };
  for (const k of ['startedAt', 'paramsDigest', 'params'] as const) if (s(k) !== undefined) info[k] = s(k);
  if (startedBy) info.startedBy = startedBy;
  return info;
}

/** Only the scalar props a store may hold (Neo4j drops nothing else; the journal is JSON). */
export function toProps(p: Record<string, unknown>): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

/** Deterministic orders, so that both stores list things the same way. */
export const byStep = (a: StepInfo, b: StepInfo): number =>
  (a.endedAt ?? '').localeCompare(b.endedAt ?? '') || a.runId.localeCompare(b.runId) || a.stepId.localeCompare(b.stepId);
export const byDigest = (a: { digest: string }, b: { digest: string }): number => a.digest.localeCompare(b.digest);
