import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, useTestWorker } from '../support/harness.js';
import { tempDir } from './support/stage.js';

interface StepJson {
  id: string;
  kind: string;
  status: string;
  outputs: Record<string, { uri: string; records?: number }>;
  metadata: Record<string, unknown>;
}
interface RunJson {
  status: string;
  error?: string;
  steps: StepJson[];
}

const { env } = useTestWorker();

const readUri = (uri: string) => fs.readFile(uri.startsWith('file://') ? fileURLToPath(uri) : uri, 'utf8');

describe('curation stages in a pipeline on the embedded Temporal', () => {
  it('runs validate -> pii -> score -> dataset-report on a messy file, by reference', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'raw.jsonl');
    const prose = 'Plan a quiet evening together, put the phones away and talk about the week, so that both of you feel heard and rested.';
    await fs.writeFile(
      file,
      [
        '\uFEFF' + JSON.stringify({ instruction: 'Date idea?', input: '', output: prose, metadata: { category: 'suggestion' } }),
        '',
        '{"instruction": "broken", "output": ',
        JSON.stringify({ instruction: 'Reach me', input: '', output: `Write to sarah.j@example.org. ${prose}`, metadata: { category: 'advice' } }),
        JSON.stringify({ instruction: 'Spam', input: '', output: Array.from({ length: 40 }, () => 'buy now').join(' '), metadata: { category: 'advice' } }),
        JSON.stringify({ instruction: 'Key', input: '', output: `Use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 here. ${prose}`, metadata: { category: 'advice' } }),
        JSON.stringify({ instruction: 'Date idea?', input: '', output: prose, metadata: { category: 'suggestion' } }),
      ].join('\r\n'),
    );
    const params = { input: file, pii: { operators: { secret: 'drop' } }, score: {} };
    const res = await cli(['run', 'test-curation', '--params', JSON.stringify(params), '--wait', '--json'], env);
    expect(res.stderr).not.toContain('sarah.j@example.org');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as RunJson;
    expect(out.status).toBe('succeeded');
    const step = (id: string) => out.steps.find((s) => s.id === id)!;
    expect(step('validate').metadata).toMatchObject({ total: 7, kept: 5, rejected: 2, dropped: { blank_line: 1, truncated_json: 1 } });
    expect(step('pii').metadata).toMatchObject({ total: 5, kept: 4, rejected: 1, dropped: { pii_found: 1 }, findings: { email: 1, secret: 1 } });
    expect(step('score').metadata).toMatchObject({ total: 4, kept: 3, rejected: 1, dropped: { below_threshold: 1 } });
    // Workflow history holds references and counts only: no record text.
    expect(res.stdout).not.toContain('sarah.j@example.org');
    expect(res.stdout).not.toContain('quiet evening');
    const kept = (await readUri(step('score').outputs.records!.uri)).trim().split('\n').map((l) => JSON.parse(l) as { output: string; provenance: { line: number } });
    expect(kept.map((k) => k.provenance.line)).toEqual([1, 4, 7]);
    expect(kept[1]!.output).toContain('Write to [EMAIL].');
    const report = JSON.parse(await readUri(step('report').outputs.report!.uri)) as {
      records: number;
      duplicates: { exact: number };
      balance: { buckets: Record<string, number> };
      rejectReasons: Record<string, number>;
    };
    expect(report.records).toBe(3);
    expect(report.duplicates.exact).toBe(1);
    expect(report.balance.buckets).toEqual({ suggestion: 2, advice: 1 });
    expect(report.rejectReasons).toEqual({ blank_line: 1, truncated_json: 1, pii_found: 1, below_threshold: 1 });
  });

  it('runs the smoke pipeline with the curation chain', async () => {
    const res = await cli(['run', 'smoke', '--wait', '--json'], env);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as RunJson;
    expect(out.status).toBe('succeeded');
    const validate = out.steps.find((s) => s.id === 'validate')!;
    expect(validate.metadata).toMatchObject({ total: 40, kept: 40, rejected: 0 });
    expect(out.steps.find((s) => s.id === 'dataset-report')!.status).toMatch(/succeeded|cached/);
  });
});
