/**
 * Seconds left for a step with progress `done` of `total`: the step's own estimate when it gives
 * one (training knows its step time), else the rate since the step started carried forward. No
 * estimate before the first unit is done or when nothing says when the step started.
 */
export function etaSeconds(p: { done?: number; total?: number; etaSec?: number }, startedAt: string | undefined, now = Date.now()): number | undefined {
  if (typeof p.etaSec === 'number' && Number.isFinite(p.etaSec)) return Math.max(0, p.etaSec);
  if (!p.total || !p.done || !startedAt) return undefined;
  const elapsed = (now - Date.parse(startedAt)) / 1000;
  if (!(elapsed > 0)) return undefined;
  return Math.max(0, (elapsed * (p.total - p.done)) / p.done);
}

/** 75 -> `1m15s`, 3700 -> `1h01m`: short enough for a table cell. */
export function shortDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
