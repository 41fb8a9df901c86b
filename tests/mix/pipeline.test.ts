import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, useTestWorker } from '../support/harness.js';
import { edit, prose, tempDir, writeJsonlFile } from '../dedup/stage-helpers.js';

interface RunJson {
  status: string;
  error?: string;
  steps: { id: string; status: string; outputs: Record<string, { uri: string; sha256: string; records?: number }>; metadata: Record<string, unknown> }[];
}

const { env } = useTestWorker();

describe('dedup -> split -> analyze -> mix on the embedded Temporal', () => {
  it('runs the chain, removes the planted duplicates, leaks nothing and mixes exact counts; a rerun is cached', async () => {
    const rows = [];
    const cats = ['instruction', 'instruction', 'instruction', 'code', 'factual'];
    for (let i = 0; i < 200; i++) {
      const text = prose(70000 + i, 150); // one edit in 150 words: Jaccard about 0.93
      rows.push({ id: `u${i}`, instruction: 'Explain.', output: text, category: cats[i % cats.length] });
      if (i % 10 === 0) rows.push({ id: `u${i}-dup`, instruction: 'Explain.', output: edit(text, 1).toUpperCase(), category: cats[i % cats.length] });
    }
    const input = await writeJsonlFile(path.join(await tempDir(), 'curation.jsonl'), rows);
    const res = await cli(['run', 'test-curation-mix', '--params', JSON.stringify({ input, total: 300, seed: 4 }), '--wait', '--json'], env);
    const out = JSON.parse(res.stdout) as RunJson;
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('succeeded');
    const step = (id: string) => out.steps.find((s) => s.id === id)!;
    expect(step('dedup').metadata).toMatchObject({ total: 220, kept: 200, rejected: 20 });
    expect(step('split').metadata).toMatchObject({ train: 160, valid: 20, test: 20, crossSplit: { exactDuplicates: 0, nearDuplicates: 0, groups: 0 } });
    expect(step('mix').outputs.records!.records).toBe(300);
    const mixFile = fileURLToPath(step('mix').outputs.records!.uri);
    const mixed = (await fs.readFile(mixFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { bucket: string; id: string });
    const counts = mixed.reduce<Record<string, number>>((m, r) => ((m[r.bucket] = (m[r.bucket] ?? 0) + 1), m), {});
    expect(counts).toEqual({ instruction: 210, code: 60, factual: 30 });
    expect(mixed.some((r) => r.id.endsWith('-dup'))).toBe(false);

    const again = JSON.parse((await cli(['run', 'test-curation-mix', '--params', JSON.stringify({ input, total: 300, seed: 4 }), '--wait', '--json'], env)).stdout) as RunJson;
    expect(again.steps.map((s) => s.status)).toEqual(out.steps.map(() => 'cached'));
    expect(again.steps.find((s) => s.id === 'mix')!.outputs.records!.sha256).toBe(step('mix').outputs.records!.sha256);
  });
});
