import path from 'node:path';
import type { Unit } from './units.js';

/**
 * A stage's verdict on one record: keep it (the record, rewritten or not, or its JSON text when the
 * stage made it already), or drop it with a stable reason code, a detail for people, and extra
 * text-free fields for the reject row (`raw`, `id`, a score breakdown).
 */
export type Verdict<Reason extends string = string> =
  | { keep: Record<string, unknown> | string }
  | { drop: Reason; detail: string; extra?: Record<string, unknown> };

export const keep = (record: Record<string, unknown> | string): { keep: Record<string, unknown> | string } => ({ keep: record });

export function drop<Reason extends string>(reason: Reason, detail: string, extra?: Record<string, unknown>): { drop: Reason; detail: string; extra?: Record<string, unknown> } {
  return extra ? { drop: reason, detail, extra } : { drop: reason, detail };
}

/** Additive, text-free counters (finding counts, histograms); merged across worker threads by summing. */
export interface Counters {
  [key: string]: number | Counters;
}

/**
 * One stage, as the runner sees it. `record` stages get each line parsed into an object (a line
 * that is not one is rejected before it reaches them); `unit` stages get the raw line (validate
 * reads user files and has a reason code for each way a line can be bad).
 */
export interface Stage<In, Reason extends string = string> {
  process(input: In, unit: Unit): Verdict<Reason> | Promise<Verdict<Reason>>;
  counters?(): Counters;
  close?(): Promise<void>;
}

export interface StageContext {
  /** File name recorded in provenance and rejects. */
  source: string;
}

export type StageDef<Reason extends string = string> =
  | { reads: 'record'; name: string; module: string; create(options: unknown, ctx: StageContext): Stage<Record<string, unknown>, Reason> | Promise<Stage<Record<string, unknown>, Reason>> }
  | { reads: 'unit'; name: string; module: string; create(options: unknown, ctx: StageContext): Stage<Unit, Reason> | Promise<Stage<Unit, Reason>> };

/** Stages by module URL: a worker thread imports the module and finds the stage that it registered. */
const registry = new Map<string, StageDef>();

/**
 * Defines a stage and registers it under its module (`module: import.meta.url`), one stage per
 * file. A step names a stage by that URL without importing it, so that the parent thread does not
 * load what only its workers run (the Cypher parser alone is tens of megabytes).
 */
export function defineStage<Reason extends string, D extends StageDef<Reason>>(def: D): D {
  const existing = registry.get(def.module);
  if (existing && existing.name !== def.name) throw new Error(`${def.module} defines two stages ("${existing.name}", "${def.name}"); one stage per file`);
  registry.set(def.module, def as StageDef);
  return def;
}

/** The stage that `module` defines, loading the module first. */
export async function loadStage(module: string): Promise<StageDef> {
  if (!registry.has(module)) await import(module);
  const def = registry.get(module);
  if (!def) throw new Error(`${module} defines no stage (defineStage)`);
  return def;
}

/** A stage's module URL, for a step to name it by: `stageAt('./stage.js', import.meta.url)`. */
export function stageAt(relative: string, base: string): string {
  return new URL(relative, base).href;
}

/** A short name for messages: the stage's registered name when loaded, else its file. */
export function stageName(module: string): string {
  return registry.get(module)?.name ?? path.basename(new URL(module).pathname, '.js');
}

export function mergeCounters(into: Counters, from: Counters): Counters {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (typeof v === 'number') into[k] = (typeof cur === 'number' ? cur : 0) + v;
    else into[k] = mergeCounters(typeof cur === 'object' ? cur : {}, v);
  }
  return into;
}

export function bump(counters: Counters, key: string, by = 1): void {
  counters[key] = ((counters[key] as number | undefined) ?? 0) + by;
}

/** Truncates text for reject rows and details (never for kept records). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}
