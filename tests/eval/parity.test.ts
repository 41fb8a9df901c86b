import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ggufType } from '../../activities/eval/gguf-type.js';
import { parityStep } from '../../activities/eval/parity-step.js';
import type { ParityReport } from '../../activities/eval/result.js';
import { QUANT_TYPES, quantizeFile } from '../../activities/models/quantize.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import type { ArtifactRef } from '../../core/artifacts/ref.js';
import { loadConfig } from '../../core/config.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { fixture } from './fixtures.js';

/**
 * The parity step on a real tiny (random) F32 GGUF and its Q8_0 and Q4_K_M quantizations made by
 * llama.cpp's own quantizer: every file is loaded and scored on the same test split.
 */
let dir: string;
let f32: string;
let q8: string;
let q4: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-parity-'));
  f32 = path.join(dir, 'tiny-f32.gguf');
  q8 = path.join(dir, 'tiny-q8_0.gguf');
  q4 = path.join(dir, 'tiny-q4_k_m.gguf');
  await buildTinyModel(f32, { seed: 3 });
  await quantizeFile(f32, q8, 'Q8_0', { threads: 2 });
  await quantizeFile(f32, q4, 'Q4_K_M', { threads: 2 });
}, 300_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('quantization parity', () => {
  it('reads each file type from its GGUF header', async () => {
    expect(await Promise.all([f32, q8, q4].map(ggufType))).toEqual(['F32', 'Q8_0', 'Q4_K_M']);
  });

  it('scores the reference and each quantized file on the same test text; ratios are to the reference', async () => {
    const result = await runStepOnFiles(
      anyStep(parityStep),
      { inputs: { reference: f32, quantized: [q8, q4], test: fixture('test-split.jsonl') }, config: { engine: { sequences: 2, contextSize: 512, threads: 2, gpu: 'cpu' } } },
      loadConfig({ FORGELINE_HOME: path.join(dir, 'home') }),
      createLogger({ level: 'warn' }),
    );
    const report = JSON.parse(await fs.readFile(await result.store.localPath(result.outputs.report as ArtifactRef), 'utf8')) as ParityReport;
    // 7 test records: 6 with a reference or a text (as in the evaluation), 1 without an answer.
    expect(report).toMatchObject({ schema: 'parity', examples: 6 });
    expect(report.rows.map((r) => [r.model, r.type])).toEqual([
      ['reference', 'F32'],
      ['Q8_0', 'Q8_0'],
      ['Q4_K_M', 'Q4_K_M'],
    ]);
    const sizes = await Promise.all([f32, q8, q4].map(async (f) => (await fs.stat(f)).size));
    expect(report.rows.map((r) => r.bytes)).toEqual(sizes);
    expect(sizes[0]).toBeGreaterThan(sizes[1]!);
    expect(sizes[1]).toBeGreaterThan(sizes[2]!);
    const [ref, r8, r4] = report.rows as [ParityReport['rows'][0], ParityReport['rows'][0], ParityReport['rows'][0]];
    // A random 320-token model: perplexity of the order of its vocabulary.
    expect(ref.perplexity).toBeGreaterThan(50);
    expect(ref.perplexity).toBeLessThan(2000);
    expect(ref.ratioToReference).toBe(1);
    for (const r of [r8, r4]) expect(r.ratioToReference).toBeCloseTo(r.perplexity / ref.perplexity, 12);
    // Each file was scored on its own: quantization moves the numbers, Q8_0 only a little.
    expect(r8.perplexity).not.toBe(ref.perplexity);
    expect(r4.perplexity).not.toBe(r8.perplexity);
    expect(Math.abs(r8.ratioToReference - 1)).toBeLessThan(0.02);
    expect(Math.abs(r4.ratioToReference - 1)).toBeLessThan(0.2);
    expect(result.metadata).toMatchObject({ examples: 6, parity: report.rows });
  }, 300_000);

  it('refuses a test split with nothing to score, naming the input', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    await fs.writeFile(empty, JSON.stringify({ instruction: 'no answer here' }) + '\n');
    await expect(
      runStepOnFiles(anyStep(parityStep), { inputs: { reference: f32, quantized: [q8], test: empty }, config: {} }, loadConfig({ FORGELINE_HOME: path.join(dir, 'home') }), createLogger({ level: 'warn' })),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT_DATA', issues: [{ path: 'inputs.test', message: 'no scorable record' }] });
  });

  it('shows every offered quantization type against the F16 export, as a training pipeline does', async () => {
    const f16 = path.join(dir, 'tiny-f16.gguf');
    await quantizeFile(f32, f16, 'F16', { threads: 2 });
    const types = QUANT_TYPES.filter((t) => t !== 'F16');
    const files = await Promise.all(
      types.map(async (t) => {
        const out = path.join(dir, `tiny-${t.toLowerCase()}-from-f16.gguf`);
        await quantizeFile(f16, out, t, { threads: 2 });
        return out;
      }),
    );
    const result = await runStepOnFiles(
      anyStep(parityStep),
      { inputs: { reference: f16, quantized: files, test: fixture('test-split.jsonl') }, config: { engine: { sequences: 2, contextSize: 512, threads: 2, gpu: 'cpu' } } },
      loadConfig({ FORGELINE_HOME: path.join(dir, 'home') }),
      createLogger({ level: 'warn' }),
    );
    const report = JSON.parse(await fs.readFile(await result.store.localPath(result.outputs.report as ArtifactRef), 'utf8')) as ParityReport;
    expect(types).toEqual(['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0']);
    expect(report.rows.map((r) => r.type)).toEqual(['F16', ...types]);
    const [ref, ...rows] = report.rows as [ParityReport['rows'][0], ...ParityReport['rows']];
    for (const r of rows) {
      expect(Number.isFinite(r.perplexity)).toBe(true);
      expect(r.ratioToReference).toBeCloseTo(r.perplexity / ref.perplexity, 12);
      expect(r.bytes).toBeLessThan(ref.bytes);
    }
    // Every file was scored on its own (no two types share a figure), and the 8.5-bit type stays
    // closest to F16.
    expect(new Set(report.rows.map((r) => r.perplexity)).size).toBe(5);
    expect(Math.abs(rows.find((r) => r.type === 'Q8_0')!.ratioToReference - 1)).toBeLessThan(0.02);
  }, 300_000);
});
