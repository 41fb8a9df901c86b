import type { StepKindLookup } from './compile.js';
import type { PipelineDefinition } from './pipeline.js';
import type { PlanStep } from '../workflow-safe/plan.js';

/**
 * The plan's notes about raw source files in the store (issue 24, item 9; DESIGN: PII before
 * storage). A step kind says when it stores a file as read (`storesRaw(options)`); a pipeline
 * with such steps declares `storesRaw: true`. Both cases are said in the run report, so a reader
 * knows whether the store may hold a user's personal data. An undeclared one is a note, not an
 * error: the declaration is the pipeline author's statement, the note is the check that asks for it.
 */
export function storesRawNotes(def: Pick<PipelineDefinition, 'name' | 'storesRaw'>, steps: readonly PlanStep[], lookup: StepKindLookup): string[] {
  const raw = steps.filter((s) => lookup(s.kind)?.storesRaw?.(s.options as never)).map((s) => `"${s.id}"`);
  if (raw.length === 0) return [];
  const which = raw.length === 1 ? `step ${raw[0]} writes its input file` : `steps ${raw.join(', ')} write their input files`;
  if (def.storesRaw) return [`stores raw source (storesRaw: true): ${which} to the store as read, without a PII scrub`];
  return [`stores raw source without declaring it: ${which} to the store unscrubbed; scrub as it is read (validate's "scrub") or declare storesRaw: true in pipeline "${def.name}"`];
}
