import { createHash } from 'node:crypto';
import { Rng } from './rng.js';
import type { Slot } from './types.js';

/**
 * Splits `total` into integer counts proportional to `weights` that sum exactly to `total`
 * (largest remainder, ties broken by the order of the keys): "exact coverage".
 */
export function apportion(total: number, weights: Record<string, number>): Record<string, number> {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const sum = entries.reduce((a, [, w]) => a + w, 0);
  if (sum <= 0) throw new Error('weights must have a positive sum');
  const raw = entries.map(([k, w]) => ({ k, exact: (total * w) / sum }));
  const out: Record<string, number> = Object.fromEntries(raw.map((r) => [r.k, Math.floor(r.exact)]));
  let left = total - Object.values(out).reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ ...r, i })).sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.i - b.i);
  for (const r of order) {
    if (left <= 0) break;
    out[r.k]!++;
    left--;
  }
  return out;
}

/**
 * The plan: `count` slots, apportioned over families and then over each family's variants, in a
 * seeded interleaved order. The same options always give the same plan, so a retried attempt
 * knows exactly which examples exist and which are missing.
 */
export function planSlots(count: number, families: Record<string, number>, variants: Record<string, Record<string, number>>, seed: number): Slot[] {
  const slots: Array<Omit<Slot, 'index'>> = [];
  for (const [family, n] of Object.entries(apportion(count, families))) {
    const per = apportion(n, variants[family] ?? { default: 1 });
    for (const [variant, m] of Object.entries(per)) for (let i = 0; i < m; i++) slots.push({ family, variant });
  }
  new Rng(`plan:${seed}`).shuffle(slots);
  return slots.map((s, index) => ({ ...s, index }));
}

/** Request ids: deterministic in the plan and the attempt, and valid Message Batch custom_ids ([a-zA-Z0-9_-]{1,64}). */
export function requestId(planKey: string, slot: number, attempt: number): string {
  return `g${planKey.slice(0, 12)}-s${slot}-a${attempt}`;
}

export function parseRequestId(id: string): { planKey: string; slot: number; attempt: number } | undefined {
  const m = /^g([0-9a-f]{12})-s(\d+)-a(\d+)$/.exec(id);
  return m ? { planKey: m[1]!, slot: Number(m[2]), attempt: Number(m[3]) } : undefined;
}

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
