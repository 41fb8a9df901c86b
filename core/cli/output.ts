import type { RunState, StepState } from '../run-state.js';

export const isTty = (): boolean => Boolean(process.stdout.isTTY);

/** A plain text table: columns padded to their widest cell. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export interface LiveProgress {
  [stepId: string]: { done?: number; total?: number; unit?: string; message?: string } | undefined;
}

export function progressText(p: LiveProgress[string]): string {
  if (!p) return '';
  if (p.total && p.done !== undefined) {
    const frac = Math.min(1, p.done / p.total);
    const bar = '#'.repeat(Math.round(frac * 20)).padEnd(20, '.');
    return `[${bar}] ${p.done}/${p.total}${p.unit ? ' ' + p.unit : ''}`;
  }
  if (p.done !== undefined) return `${p.done}${p.unit ? ' ' + p.unit : ''}`;
  return p.message ?? '';
}

export function stepsTable(state: RunState, live: LiveProgress = {}): string {
  const rows = [['STEP', 'KIND', 'STATUS', 'TIME', 'PROGRESS / OUTPUTS']];
  for (const s of state.steps) rows.push([s.id, s.kind, s.status, duration(s), detail(s, live)]);
  return table(rows);
}

function duration(s: StepState): string {
  if (s.durationMs !== undefined) return `${(s.durationMs / 1000).toFixed(1)}s`;
  return '';
}

function detail(s: StepState, live: LiveProgress): string {
  const a = s.approval;
  if (a?.state === 'waiting') return `waiting for approval until ${a.timeoutAt} (then ${a.onTimeout}): ${a.prompt}`;
  if (a) return `${a.state} by ${a.by} at ${a.at}${a.note ? `: ${a.note}` : ''}`;
  if (s.status === 'running') return progressText(live[s.id]);
  if (s.status === 'failed') return s.error ?? '';
  return Object.entries(s.outputs)
    .map(([name, ref]) => `${name}=${ref.sha256.slice(0, 10)}${ref.records !== undefined ? ` (${ref.records})` : ''}`)
    .join(' ');
}
