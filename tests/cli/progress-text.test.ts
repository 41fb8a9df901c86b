import { describe, expect, it } from '@jest/globals';
import { etaSeconds, shortDuration } from '../../cli/eta.js';
import { progressText } from '../../cli/output.js';

describe('a running step\'s progress cell', () => {
  const start = '2026-01-01T00:00:00.000Z';
  const at = (s: number) => Date.parse(start) + s * 1000;

  it('carries the rate since the step started forward, unless the step gives its own estimate', () => {
    expect(etaSeconds({ done: 25, total: 100 }, start, at(10))).toBe(30);
    expect(etaSeconds({ done: 25, total: 100, etaSec: 7 }, start, at(10))).toBe(7);
    expect(etaSeconds({ done: 0, total: 100 }, start, at(10))).toBeUndefined();
    expect(etaSeconds({ done: 5, total: 100 }, undefined, at(10))).toBeUndefined();
  });

  it('reads as bar, percent, counts, ETA, loss and message', () => {
    expect(progressText({ done: 30, total: 120, unit: 'steps', loss: 1.23456, message: 'training quickstart' }, start, at(60))).toBe(
      '[#####...............] 25% 30/120 steps  ETA 3m00s  loss 1.235  training quickstart',
    );
    expect(progressText({ done: 5000, unit: 'records' })).toBe('5000 records');
    expect(progressText({ message: 'quantizing to Q8_0' })).toBe('quantizing to Q8_0');
  });

  it('writes durations short', () => {
    expect([shortDuration(9.4), shortDuration(75), shortDuration(3700)]).toEqual(['9s', '1m15s', '1h01m']);
  });
});
