import path from 'node:path';
import type { ArtifactRef } from '../artifacts/ref.js';
import type { StepState } from '../workflow-safe/run-state.js';

/**
 * Names a person looks for, by step kind and output; every other output is `<step>-<output><ext>`.
 * A preferred name that two steps of a run would both take goes to neither, so a name never says
 * more than it knows.
 */
const PREFERRED: Record<string, Record<string, (s: StepState) => string | undefined>> = {
  quantize: { model: (s) => (typeof s.metadata.quantization === 'string' ? `model-${s.metadata.quantization}` : undefined) },
  evaluate: { report: () => 'eval', predictions: () => 'eval-predictions' },
};

/** Extensions for stored files whose path has none, by schema or kind. */
const EXT_BY_SCHEMA: Record<string, string> = { gguf: '.gguf', html: '.html' };

export interface NamedOutput {
  name: string;
  step: string;
  output: string;
  ref: ArtifactRef;
}

export function extensionOf(ref: ArtifactRef): string {
  const fromPath = path.extname(ref.uri);
  if (fromPath) return fromPath;
  return EXT_BY_SCHEMA[ref.schema] ?? (ref.kind === 'records' ? '.jsonl' : ref.kind === 'report' ? '.json' : '');
}

/** The run report's name in the run folder; it belongs to the run, not to a step. */
export const RUN_REPORT_NAME = 'report.html';

/**
 * Every output of the run's steps, each with a file name unique in the run folder, and first the
 * run report (state.report, written when the run ended) as `report.html`.
 */
export function nameOutputs(steps: StepState[], report?: ArtifactRef): NamedOutput[] {
  const all = steps.flatMap((s) =>
    Object.entries(s.outputs).map(([output, ref]) => {
      const base = `${s.id}-${output}`;
      const preferred = PREFERRED[s.kind]?.[output]?.(s);
      return { step: s.id, output, ref, base, preferred, ext: extensionOf(ref) };
    }),
  );
  const taken = new Map<string, number>();
  for (const o of all) if (o.preferred) taken.set(o.preferred + o.ext, (taken.get(o.preferred + o.ext) ?? 0) + 1);
  const used = new Set<string>(report ? [RUN_REPORT_NAME] : []);
  const named = all.map((o) => {
    let name = o.preferred && taken.get(o.preferred + o.ext) === 1 ? o.preferred + o.ext : o.base + o.ext;
    // A step id may itself look like a preferred name (a step called `eval` with output `predictions`).
    for (let i = 2; used.has(name); i++) name = `${o.base}-${i}${o.ext}`;
    used.add(name);
    return { name, step: o.step, output: o.output, ref: o.ref };
  });
  return report ? [{ name: RUN_REPORT_NAME, step: 'run', output: 'report', ref: report }, ...named] : named;
}
