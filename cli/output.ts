import type { RunState, StepState } from '../core/workflow-safe/run-state.js';
import type { LiveProgress } from '../core/client/runs.js';
import { etaSeconds, shortDuration } from './eta.js';

export const isTty = (): boolean => Boolean(process.stdout.isTTY);

/** A plain text table: columns padded to their widest cell. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** A running step's heartbeat as a person reads it: bar, counts, ETA, the loss while training. */
export function progressText(p: LiveProgress[string], startedAt?: string, now = Date.now()): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.total && p.done !== undefined) {
    const frac = Math.min(1, p.done / p.total);
    const bar = '#'.repeat(Math.round(frac * 20)).padEnd(20, '.');
    parts.push(`[${bar}] ${Math.round(frac * 100)}% ${p.done}/${p.total}${p.unit ? ' ' + p.unit : ''}`);
    const eta = etaSeconds(p, startedAt, now);
    if (eta !== undefined) parts.push(`ETA ${shortDuration(eta)}`);
  } else if (p.done !== undefined) parts.push(`${p.done}${p.unit ? ' ' + p.unit : ''}`);
  if (typeof p.loss === 'number') parts.push(`loss ${p.loss.toFixed(3)}`);
  if (p.message) parts.push(p.message);
  return parts.join('  ');
}

export function stepsTable(state: RunState, live: LiveProgress = {}): string {
  const rows = [['STEP', 'KIND', 'STATUS', 'TIME', 'PROGRESS / OUTPUTS']];
  for (const s of state.steps) rows.push([s.id, s.kind, s.status, duration(s), detail(s, live)]);
  return table(rows);
}

function duration(s: StepState, now = Date.now()): string {
  if (s.durationMs !== undefined) return `${(s.durationMs / 1000).toFixed(1)}s`;
  // A running step shows how long it has run so far.
  if (s.status === 'running' && s.startedAt) return `${Math.max(0, (now - Date.parse(s.startedAt)) / 1000).toFixed(0)}s`;
  return '';
}

function detail(s: StepState, live: LiveProgress): string {
  const a = s.approval;
  if (a?.state === 'waiting') return `waiting for approval until ${a.timeoutAt} (then ${a.onTimeout}): ${a.prompt}`;
  if (a) return `${a.state} by ${a.by} at ${a.at}${a.note ? `: ${a.note}` : ''}`;
  if (s.status === 'running') return progressText(live[s.id], s.startedAt);
  if (s.status === 'failed') return s.error ?? '';
  return Object.entries(s.outputs)
    .map(([name, ref]) => `${name}=${ref.sha256.slice(0, 10)}${ref.records !== undefined ? ` (${ref.records})` : ''}`)
    .join(' ');
}
