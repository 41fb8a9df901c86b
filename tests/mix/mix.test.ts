import { beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import path from 'node:path';
import { allocate, multiplicities, PHASE_PRESETS } from '../../activities/mix/index.js';
import { prng } from '../../core/hash32.js';
import { cli, testEnv } from '../support/harness.js';
import { runStage, tempDir, writeJsonlFile } from '../dedup/stage-helpers.js';

interface Row {
  id: string;
  bucket?: string;
  kind?: string;
}

let home: string;
let dir: string;
const SIZES: Record<string, number> = { instruction: 5000, code: 800, factual: 300, creative: 200, analytical: 50, tool_use: 400, cot_math: 600, red_team: 0 };

async function manifestWith(name: string, sizes: Record<string, number>, extra: Record<string, unknown> = {}): Promise<string> {
  const root = path.join(dir, name);
  const buckets = [];
  for (const [bucket, n] of Object.entries(sizes)) {
    await writeJsonlFile(path.join(root, 'data', `${bucket}.jsonl`), Array.from({ length: n }, (_, i) => ({ id: `${bucket}-${i}`, kind: bucket })));
    buckets.push({ name: bucket, source: { file: `data/${bucket}.jsonl` }, description: `${bucket} examples`, weight: 0, count: n });
  }
  const file = path.join(root, 'manifest.json');
  await fs.writeFile(file, JSON.stringify({ version: 1, buckets, ...extra }, null, 2));
  return file;
}

beforeAll(async () => {
  home = await tempDir();
  dir = await tempDir();
});

const countBy = (rows: Row[]) => rows.reduce<Record<string, number>>((m, r) => ((m[r.kind!] = (m[r.kind!] ?? 0) + 1), m), {});

describe('phase presets', () => {
  it("are seed 002's weights, exactly", () => {
    expect(PHASE_PRESETS.production_balanced.weights).toEqual({ instruction: 0.25, tool_use: 0.15, code: 0.2, cot_math: 0.15, analytical: 0.1, creative: 0.07, factual: 0.03, red_team: 0.05 });
    expect(PHASE_PRESETS.phase1_calibration.weights).toEqual({ instruction: 0.7, code: 0.2, factual: 0.1 });
    expect(PHASE_PRESETS.phase2_reasoning.weights).toEqual({ cot_math: 0.4, tool_use: 0.3, analytical: 0.2, instruction: 0.1 });
    expect(PHASE_PRESETS.phase3_creative.weights).toEqual({ creative: 0.4, analytical: 0.3, instruction: 0.2, factual: 0.1 });
    expect(PHASE_PRESETS.phase4_robustness.weights).toEqual({ red_team: 0.4, instruction: 0.3, tool_use: 0.2, factual: 0.1 });
    expect([10_000, 200_000, 100_000, 50_000]).toEqual(['phase1_calibration', 'phase2_reasoning', 'phase3_creative', 'phase4_robustness'].map((p) => PHASE_PRESETS[p as keyof typeof PHASE_PRESETS].defaultTotal));
  });

  it('allocates exact integer counts that sum to the total', () => {
    const w = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 1 },
    ];
    expect([...allocate(10, w).values()]).toEqual([4, 3, 3]);
    expect([...allocate(7, Object.entries(PHASE_PRESETS.production_balanced.weights).map(([name, weight]) => ({ name, weight }))).values()].reduce((a, b) => a + b)).toBe(7);
  });

  it('oversamples evenly: every record floor(k) times, the remainder distinct', () => {
    const t = multiplicities(4, 10, prng(1));
    expect([...t].reduce((a, b) => a + b)).toBe(10);
    expect([...t].every((x) => x === 2 || x === 3)).toBe(true);
    const d = multiplicities(100, 30, prng(2));
    expect([...d].filter((x) => x === 1).length).toBe(30);
  });
});

describe('mix', () => {
  it('draws exact counts per bucket for phase1_calibration from the CLI, buckets named by the manifest', async () => {
    const manifest = await manifestWith('cli', SIZES);
    const out = path.join(dir, 'cli-mix.jsonl');
    const env = await testEnv();
    const res = await cli(['stage', 'mix', '--in', manifest, '--out', out, '--config', '{"phase": "phase1_calibration", "total": 10000, "seed": 1}'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const rows = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Row);
    expect(rows.length).toBe(10_000);
    expect(countBy(rows)).toEqual({ instruction: 7000, code: 2000, factual: 1000 });
    const report = JSON.parse(res.stdout) as { oversampled: string[]; excluded: string[]; buckets: { name: string; factor?: number }[] };
    // instruction has 5000 records for 7000 draws; code 800 for 2000; factual 300 for 1000
    expect(report.oversampled).toEqual(['instruction', 'code', 'factual']);
    expect(report.buckets.find((b) => b.name === 'factual')!.factor).toBe(3.33);
    expect(report.excluded.sort()).toEqual(['analytical', 'cot_math', 'creative', 'red_team', 'tool_use']);
    // evenly oversampled: each factual record appears 3 or 4 times
    const perRecord = countBy(rows.filter((r) => r.kind === 'factual').map((r) => ({ id: r.id, kind: r.id })));
    expect(Object.keys(perRecord).length).toBe(300);
    expect(Object.values(perRecord).every((k) => k === 3 || k === 4)).toBe(true);
  });

  it('samples without repeats when buckets are large enough, shuffled, deterministic by seed', async () => {
    const manifest = await manifestWith('plain', SIZES);
    const config = { weights: { instruction: 2, code: 1, cot_math: 1, red_team: 0 }, total: 1000, seed: 5 };
    const one = await runStage('mix', { manifest }, config, home);
    const rows = await one.records<Row>('records');
    expect(countBy(rows)).toEqual({ instruction: 500, code: 250, cot_math: 250 });
    expect(new Set(rows.map((r) => r.id)).size).toBe(1000);
    expect(one.metadata.oversampled).toEqual([]);
    // interleaved, not bucket after bucket
    expect(new Set(rows.slice(0, 50).map((r) => r.kind)).size).toBeGreaterThan(1);
    const two = await runStage('mix', { manifest }, config, home);
    expect(two.outputs.records!.sha256).toBe(one.outputs.records!.sha256);
    const other = await runStage('mix', { manifest }, { ...config, seed: 6 }, home);
    expect(other.outputs.records!.sha256).not.toBe(one.outputs.records!.sha256);
  });


  it("pools every record of the weighted buckets once with total 'all', tagged with its bucket", async () => {
    const manifest = await manifestWith('pool', { instruction: 30, code: 7, factual: 0, red_team: 5 });
    const pooled = await runStage('mix', { manifest }, { weights: { instruction: 1, code: 9, red_team: 1 }, total: 'all', tagField: 'bucket', seed: 2 }, home);
    const rows = await pooled.records<Row>('records');
    // The weights choose the buckets, not their shares: 30 + 7 + 5, each record once.
    expect(countBy(rows)).toEqual({ instruction: 30, code: 7, red_team: 5 });
    expect(new Set(rows.map((r) => r.id)).size).toBe(42);
    expect(rows.every((r) => r.bucket === r.kind)).toBe(true);
    expect(pooled.metadata).toMatchObject({ total: 42, oversampled: [], excluded: ['factual'] });
  });
  it('fails clearly when a weighted bucket is empty or missing', async () => {
    const manifest = await manifestWith('errors', SIZES);
    // production_balanced weights red_team (0.05), whose file is empty
    await expect(runStage('mix', { manifest }, { phase: 'production_balanced', total: 100 }, home)).rejects.toThrow(/bucket "red_team" has weight 0.05 but no records/);
    const small = await manifestWith('missing', { instruction: 10, code: 10 });
    await expect(runStage('mix', { manifest: small }, { phase: 'phase1_calibration', total: 100 }, home)).rejects.toThrow(/factual/);
    await expect(runStage('mix', { manifest: small }, { total: 100 }, home)).rejects.toThrow(/no bucket a weight above 0/);
    await expect(runStage('mix', { manifest: small }, { weights: { code: 1 } }, home)).rejects.toMatchObject({ code: 'INVALID_STEP_OPTIONS' });
  });

  it('fails clearly, naming the file and line, on a bucket line too long to hold (a file without newlines)', async () => {
    const manifest = await manifestWith('long-line', { instruction: 10, code: 10 });
    const file = path.join(dir, 'long-line', 'data', 'code.jsonl');
    const head = (await fs.readFile(file, 'utf8')).split('\n').slice(0, 2).join('\n');
    const huge = 65 * 1024 * 1024;
    await fs.writeFile(file, `${head}\n{"id":"${'x'.repeat(huge)}`); // line 3: 7 + huge bytes, no newline
    const err = (await runStage('mix', { manifest }, { weights: { instruction: 1, code: 1 }, total: 10 }, home).catch((e: unknown) => e)) as { code: string; message: string };
    expect(err.code).toBe('INVALID_INPUT_DATA');
    expect(err.message).toMatch(new RegExp(`bucket "code": .*code\\.jsonl:3: a line of ${huge + 7} bytes, over the 67108864-byte limit`));
  });

  it('rejects an invalid manifest with the path of the problem', async () => {
    const file = path.join(dir, 'bad-manifest.json');
    await fs.writeFile(file, JSON.stringify({ buckets: [{ name: 'a', source: { file: 'a.jsonl' }, weight: -1 }] }));
    const err = (await runStage('mix', { manifest: file }, { total: 10 }, home).catch((e: unknown) => e)) as { issues: { path: string }[] };
    expect(err.issues.map((i) => i.path)).toContain('manifest.buckets.0.weight');
  });

  // Issue 19, defect 9: seed 002 names a bucket's source as a plain path (`--source
  // examples/datasets/creative_writing.jsonl`); the schema refused it with zod's bare "Invalid input".
  it("takes a bucket source as seed 002 writes it, a plain path, beside {file}", async () => {
    const manifest = await manifestWith('plain-path', { instruction: 50, code: 50, factual: 50 });
    const parsed = JSON.parse(await fs.readFile(manifest, 'utf8')) as { buckets: { name: string; source: unknown }[] };
    for (const b of parsed.buckets) if (b.name !== 'code') b.source = `data/${b.name}.jsonl`;
    await fs.writeFile(manifest, JSON.stringify(parsed));
    const run = await runStage('mix', { manifest }, { phase: 'phase1_calibration', total: 100, seed: 1 }, home);
    expect(countBy(await run.records<Row>('records'))).toEqual({ instruction: 70, code: 20, factual: 10 });
  });

  it('says what a bucket source may be when it is none of them, or what is wrong with the form it meant', async () => {
    const cases: [unknown, string][] = [
      [{ path: 'a.jsonl' }, 'expected a bucket source: a path string (seed 002: "examples/datasets/creative_writing.jsonl"), {"file": "<path>"} or {"artifact": <artifact ref>}; got an object with keys ["path"]'],
      [42, 'expected a bucket source: a path string (seed 002: "examples/datasets/creative_writing.jsonl"), {"file": "<path>"} or {"artifact": <artifact ref>}; got a number'],
      ['', 'expected a bucket source: a path string (seed 002: "examples/datasets/creative_writing.jsonl"), {"file": "<path>"} or {"artifact": <artifact ref>}; got an empty string'],
      [{ file: 3 }, 'a {"file": ...} source: file: Invalid input: expected string, received number'],
    ];
    for (const [i, [source, message]] of cases.entries()) {
      const file = path.join(dir, `bad-source-${i}.json`);
      await fs.writeFile(file, JSON.stringify({ buckets: [{ name: 'a', source, weight: 1 }] }));
      const err = (await runStage('mix', { manifest: file }, { total: 10 }, home).catch((e: unknown) => e)) as { issues: { path: string; message: string }[] };
      expect(err.issues).toEqual([{ path: 'manifest.buckets.0.source', message }]);
    }
    const where = path.join(dir, 'bad-where.json');
    await fs.writeFile(where, JSON.stringify({ buckets: [{ name: 'a', source: 'a.jsonl', where: { field: 'kind', equals: null } }] }));
    const err = (await runStage('mix', { manifest: where }, { total: 10 }, home).catch((e: unknown) => e)) as { issues: { path: string; message: string }[] };
    expect(err.issues).toEqual([{ path: 'manifest.buckets.0.where.equals', message: 'expected a string, a number or a boolean; got null' }]);
  });
});

describe('analyze', () => {
  it('builds a manifest from a dataset by a field, and a mix runs from it', async () => {
    const rows: Row[] = [];
    for (const [bucket, n] of [
      ['instruction', 537],
      ['cot_math', 140],
      ['code', 119],
      ['analytical', 119],
      ['tool_use', 85],
    ] as const) {
      for (let i = 0; i < n; i++) rows.push({ id: `${bucket}-${i}`, bucket, kind: bucket });
    }
    const input = await writeJsonlFile(path.join(dir, 'analyze.jsonl'), rows);
    const analyzed = await runStage('analyze', { records: input }, { field: 'bucket', descriptions: { code: 'Code generation' } }, home);
    expect(analyzed.metadata).toMatchObject({ total: 1000, buckets: 5, distribution: { instruction: { count: 537, share: 53.7 }, tool_use: { count: 85, share: 8.5 } } });
    const manifest = await analyzed.json<{ buckets: { name: string; count: number; weight: number; description: string; where: unknown }[] }>('manifest');
    expect(manifest.buckets.map((b) => [b.name, b.count, b.weight])).toEqual([
      ['instruction', 537, 0.537],
      ['cot_math', 140, 0.14],
      ['analytical', 119, 0.119],
      ['code', 119, 0.119],
      ['tool_use', 85, 0.085],
    ]);
    expect(manifest.buckets.find((b) => b.name === 'code')!.description).toBe('Code generation');
    const mixed = await runStage('mix', { manifest: await analyzed.file('manifest') }, { phase: 'phase2_reasoning', total: 2000, seed: 1 }, home);
    expect(countBy(await mixed.records<Row>('records'))).toEqual({ cot_math: 800, tool_use: 600, analytical: 400, instruction: 200 });
    expect(mixed.metadata.oversampled).toEqual(['cot_math', 'analytical', 'tool_use']); // in manifest order
  });
});
