import path from 'node:path';
import type { RunSnapshot } from '../core/client/runs.js';
import type { RunState, StepState } from '../core/workflow-safe/run-state.js';
import type { RunFolder } from '../core/runs/folder.js';
import type { Verdict } from '../activities/eval/verdict.js';


const num = (x: number | undefined, digits = 3): string => (x === undefined || !Number.isFinite(x) ? '?' : Number(x.toFixed(digits)).toString());
const signed = (x: number | undefined): string => (x === undefined ? '?' : `${x >= 0 ? '+' : ''}${num(x, 2)}`);

/**
 * The last lines of a run that trained, in words: which model, how big, the primary metric base →
 * tuned with its interval, promoted or not and why, and the report. A run whose model was not
 * promoted never ends on a bare "succeeded".
 */
export function verdictLines(state: RunState, folder?: RunFolder): string[] {
  const promotes = state.steps.filter((s) => s.kind === 'promote' && (s.status === 'succeeded' || s.status === 'cached'));
  if (promotes.length === 0) return [];
  const lines: string[] = [];
  const inFolder = (step: string, output: string): string | undefined => {
    const e = folder?.entries.find((x) => x.step === step && x.output === output && x.link !== 'missing');
    return e ? path.join(folder!.dir, e.name) : undefined;
  };
  const model = finalModel(state, inFolder);
  if (model) lines.push(`Model: ${model.name} (${(model.bytes / 1e6).toFixed(1)} MB): ${model.path}`);
  for (const p of promotes) {
    const v = p.metadata.verdict as Verdict | undefined;
    const decision = String(p.metadata.decision ?? v?.decision ?? 'unknown');
    if (v) {
      // delta and interval are in the row's comparison unit: points (x100) for fractions.
      const unit = v.unit === 'fraction' ? ' points' : '';
      const interval = v.low !== undefined && v.high !== undefined ? `, 95% interval ${signed(v.low)} to ${signed(v.high)}${v.method ? ` (${v.method})` : ''}` : '';
      lines.push(`${v.metric}: base ${num(v.base)} -> tuned ${num(v.tuned)} (${signed(v.delta)}${unit}${interval}, n=${v.n ?? '?'})`);
    }
    // `<step>: promoted` (or `not promoted`) and the reasons indented below: the line scripts grep.
    const why = (p.metadata.reasons as string[] | undefined) ?? [];
    lines.push(`${p.id}: ${decision}${why.length ? `\n    ${why.join('\n    ')}` : ''}`);
  }
  if (state.report) lines.push(`report: ${inFolder('run', 'report') ?? state.report.html.uri.replace('file://', '')}`);
  return lines;
}

/** True when a promote step ran and did not promote. */
export function notPromoted(state: RunState): boolean {
  return state.steps.some((s) => s.kind === 'promote' && s.metadata.decision !== undefined && s.metadata.decision !== 'promoted');
}

/** The run's status in a word, except that a run whose model was not promoted never reads as a bare success. */
export function runStatusWord(s: Pick<RunSnapshot, 'state' | 'temporalStatus'>): string {
  const status = s.state?.status ?? s.temporalStatus.toLowerCase();
  return s.state && status === 'succeeded' && notPromoted(s.state) ? 'completed; the model was not promoted' : status;
}

function finalModel(state: RunState, inFolder: (step: string, output: string) => string | undefined): { name: string; bytes: number; path: string } | undefined {
  const evaluated = state.steps.filter((s: StepState) => s.kind === 'quantize' && s.outputs.model);
  const q = evaluated[0];
  if (!q) return undefined;
  const ref = q.outputs.model!;
  const card = q.metadata.metadata as { name?: string } | undefined;
  const name = `${card?.name ?? q.id} ${String(q.metadata.quantization ?? '')}`.trim();
  return { name, bytes: ref.bytes, path: inFolder(q.id, 'model') ?? ref.uri.replace('file://', '') };
}
