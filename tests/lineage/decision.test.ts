import { describe, expect, it } from '@jest/globals';
import { lineageOps, type StepLineage } from '../../activities/lineage/index.js';

/** The promote step's decision reaches the judged model as its `promotion` property. */
function promoteStep(decision: string): StepLineage {
  return {
    run: { id: 'run-1', pipeline: 'p', startedAt: '2026-01-01T00:00:00.000Z' },
    step: { id: 'promote', kind: 'promote', status: 'succeeded', cacheKey: 'k', endedAt: '2026-01-01T00:00:01.000Z' },
    inputs: {},
    outputs: {},
    metadata: { decision, phase: 'final', model: 'c'.repeat(64) },
  };
}

const promotionOf = (l: StepLineage): unknown => lineageOps(l).find((op) => op.op === 'node' && op.key === 'c'.repeat(64))?.set?.promotion;

describe('promotion decisions in lineage', () => {
  it('records `promoted` and `not promoted`; `rejected` (the word before the rename) reads as `not promoted`', () => {
    expect(promotionOf(promoteStep('promoted'))).toBe('promoted');
    expect(promotionOf(promoteStep('not promoted'))).toBe('not promoted');
    expect(promotionOf(promoteStep('rejected'))).toBe('not promoted');
    expect(promotionOf(promoteStep('maybe'))).toBeUndefined();
  });
});
