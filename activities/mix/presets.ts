/**
 * Training-phase mixes from seed 002 ("Complete Dataset Strategy"), weights exactly as written there,
 * with each phase's suggested size (used when no total is given) and epochs.
 */
export interface PhasePreset {
  description: string;
  weights: Readonly<Record<string, number>>;
  defaultTotal: number;
  epochs: number;
}

export const PHASE_PRESETS = {
  production_balanced: {
    description: 'Production-balanced mix (seed 002, "Weights applied", 500K examples)',
    weights: { instruction: 0.25, tool_use: 0.15, code: 0.2, cot_math: 0.15, analytical: 0.1, creative: 0.07, factual: 0.03, red_team: 0.05 },
    defaultTotal: 500_000,
    epochs: 1,
  },
  phase1_calibration: {
    description: 'Phase 1, calibration: high-quality general instructions (10K examples, 2 epochs)',
    weights: { instruction: 0.7, code: 0.2, factual: 0.1 },
    defaultTotal: 10_000,
    epochs: 2,
  },
  phase2_reasoning: {
    description: 'Phase 2, reasoning-heavy: math, tool use, analytical (200K examples, 1 epoch)',
    weights: { cot_math: 0.4, tool_use: 0.3, analytical: 0.2, instruction: 0.1 },
    defaultTotal: 200_000,
    epochs: 1,
  },
  phase3_creative: {
    description: 'Phase 3, creative and style (100K examples, 1 epoch)',
    weights: { creative: 0.4, analytical: 0.3, instruction: 0.2, factual: 0.1 },
    defaultTotal: 100_000,
    epochs: 1,
  },
  phase4_robustness: {
    description: 'Phase 4, robustness and safety: edge cases, adversarial (50K examples, 1 epoch)',
    weights: { red_team: 0.4, instruction: 0.3, tool_use: 0.2, factual: 0.1 },
    defaultTotal: 50_000,
    epochs: 1,
  },
} as const satisfies Record<string, PhasePreset>;

export type PhaseName = keyof typeof PHASE_PRESETS;
export const PHASE_NAMES = Object.keys(PHASE_PRESETS) as [PhaseName, ...PhaseName[]];

/**
 * Exact integer counts that sum to `total`, proportional to the weights (largest remainder; ties go
 * to the bucket listed first).
 */
export function allocate(total: number, weights: readonly { name: string; weight: number }[]): Map<string, number> {
  const sum = weights.reduce((s, w) => s + w.weight, 0);
  const rows = weights.map((w, i) => {
    const exact = (total * w.weight) / sum;
    return { name: w.name, i, count: Math.floor(exact), frac: exact - Math.floor(exact) };
  });
  let left = total - rows.reduce((s, r) => s + r.count, 0);
  for (const r of [...rows].sort((a, b) => b.frac - a.frac || a.i - b.i)) {
    if (left <= 0) break;
    r.count++;
    left--;
  }
  return new Map(rows.map((r) => [r.name, r.count]));
}
