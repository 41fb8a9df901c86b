import { describe, expect, it } from '@jest/globals';
import { curated, runStage, tempDir } from './support/stage.js';

interface Report {
  records: number;
  formats: Record<string, number>;
  lengths: { promptChars: { count: number; min: number; max: number; mean: number; p50: number }; responseChars: { min: number; max: number } };
  balance: { buckets: Record<string, number>; imbalance: number; imbalanced: boolean };
  duplicates: { exact: number; rate: number };
  flags: string[];
}

describe('dataset-report', () => {
  it('counts formats, lengths, bucket balance (flags over 3x), exact duplicates, and holds no record text', async () => {
    const dir = await tempDir();
    const home = await tempDir('forgeline-cur-home-');
    const rows = [
      ...Array.from({ length: 8 }, (_, i) => ({ instruction: `Advice ${i}`, input: '', output: `Secret-free answer number ${i} with words.`, metadata: { category: 'advice' } })),
      { instruction: 'Advice 0', input: '', output: 'Secret-free answer number 0 with words.', metadata: { category: 'advice', created_at: '2025-01-01' } },
      { instruction: 'Coach me', input: '', output: 'A coaching answer that is long enough.', metadata: { category: 'coaching' } },
      { text: 'A plain completion document.' },
    ];
    const input = await curated(dir, 'report', rows, home);
    const run = await runStage('dataset-report', input, {}, home);
    const report = await run.json<Report>('report');
    expect(report.records).toBe(11);
    expect(report.formats).toEqual({ instruction: 10, completion: 1 });
    expect(report.balance.buckets).toEqual({ advice: 9, coaching: 1, completion: 1 });
    expect(report.balance.imbalance).toBe(9);
    expect(report.balance.imbalanced).toBe(true);
    expect(report.duplicates).toEqual({ exact: 1, rate: Math.round((1 / 11) * 10_000) / 10_000 });
    expect(report.flags).toEqual(['imbalanced']);
    expect(report.lengths.promptChars).toMatchObject({ count: 11, min: 0, max: 8 });
    expect(report.lengths.responseChars.max).toBe('Secret-free answer number 0 with words.'.length);
    const text = await run.text('report');
    expect(text).not.toContain('Secret-free');
    const balanced = await runStage('dataset-report', input, { maxImbalance: 10 }, home);
    expect((await balanced.json<Report>('report')).flags).toEqual([]);
  });
});
