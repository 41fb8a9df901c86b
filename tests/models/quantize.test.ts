import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { plainValue, readGguf } from '../../native/gguf-writer.js';
import { probeModel } from '../../activities/models/probe.js';
import { llamaLibDir } from '../../native/llama-ffi.js';
import { f16Bytes, METADATA_KEYS, QUANT_TYPES, quantizationTag, quantizeFile, stampMetadata } from '../../activities/models/quantize.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';

describe('quantization through libllama in a child process', () => {
  it('makes a file of every offered type (F16, Q8_0, Q6_K, Q5_K_M, Q4_K_M) that is smaller, carries the model card, loads and generates', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-quant-'));
    const src = path.join(dir, 'tiny.gguf');
    await buildTinyModel(src);
    const srcBytes = (await fs.stat(src)).size;
    const f16 = await f16Bytes(src);
    const sizes: Record<string, number> = {};
    expect([...QUANT_TYPES].sort()).toEqual(['F16', 'Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0']);
    for (const type of QUANT_TYPES) {
      const raw = path.join(dir, `raw-${type}.gguf`);
      const out = path.join(dir, `tiny-${type}.gguf`);
      await quantizeFile(src, raw, type, { threads: 2 });
      await stampMetadata(raw, out, { name: 'tiny-test', license: 'MIT', description: 'a test', trainingDataSha256: 'cd'.repeat(32) }, {
        [METADATA_KEYS.quantization]: quantizationTag(type),
      });
      sizes[type] = (await fs.stat(out)).size;
      const parsed = await readGguf(out);
      expect(plainValue(parsed.metadata.get('general.name'))).toBe('tiny-test');
      expect(plainValue(parsed.metadata.get('general.license'))).toBe('MIT');
      expect(plainValue(parsed.metadata.get(METADATA_KEYS.trainingData))).toBe('cd'.repeat(32));
      expect(plainValue(parsed.metadata.get(METADATA_KEYS.quantization))).toBe(type);
      const probe = await probeModel(out, { maxTokens: 4 });
      expect(probe.generatedTokens).toBe(4);
    }
    // llama.cpp's F16 file matches the estimate from tensor shapes (to within header padding).
    expect(Math.abs(sizes.F16! - f16) / f16).toBeLessThan(0.01);
    // Fewer bits per weight, a smaller file: F16 (16) > Q8_0 (8.5) > Q6_K (6.6) > Q5_K_M (5.5) > Q4_K_M (4.5).
    expect(sizes.Q8_0!).toBeLessThan(sizes.F16!);
    expect(sizes.Q6_K!).toBeLessThan(sizes.Q8_0!);
    expect(sizes.Q5_K_M!).toBeLessThan(sizes.Q6_K!);
    expect(sizes.Q4_K_M!).toBeLessThan(sizes.Q5_K_M!);
    expect(sizes.Q4_K_M! / srcBytes).toBeLessThan(0.2);
    // K-quants applied to the matrices (dims are multiples of 256), not a fallback type: ggml types
    // Q4_K 12, Q5_K 13, Q6_K 14.
    const attnQ = async (type: string) => (await readGguf(path.join(dir, `tiny-${type}.gguf`))).tensors.find((t) => t.name === 'blk.0.attn_q.weight')?.ggmlType;
    expect(await attnQ('Q4_K_M')).toBe(12);
    expect(await attnQ('Q5_K_M')).toBe(13);
    expect(await attnQ('Q6_K')).toBe(14);
  });

  it('on a CUDA worker, loads the libraries of node-llama-cpp\'s CUDA package (tagged file names); without CUDA, ggml runs it on the CPU', async () => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return; // the CUDA package checked here is linux-x64's
    // The package names its libraries libllama.cuda.v0.5.0.so and libggml.cuda.v0.5.0.so.
    expect(path.basename(llamaLibDir('cuda'))).toBe('linux-x64-cuda');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-quant-cuda-'));
    const src = path.join(dir, 'tiny.gguf');
    await buildTinyModel(src);
    // What a CUDA worker hands its steps, less the devices (none to pin to here): the child loads the CUDA build.
    await quantizeFile(src, path.join(dir, 'q8.gguf'), 'Q8_0', { threads: 2, gpu: { family: 'cuda', devices: [] } });
    expect((await fs.stat(path.join(dir, 'q8.gguf'))).size).toBeLessThan((await fs.stat(src)).size / 2);
  });

  it('fails with a clear error, not a crash of the caller, on a file that is not a model', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-quant-'));
    const bad = path.join(dir, 'bad.gguf');
    await fs.writeFile(bad, Buffer.alloc(1024, 7));
    await expect(quantizeFile(bad, path.join(dir, 'out.gguf'), 'Q8_0')).rejects.toThrow(/quantizing to Q8_0/);
  });
});
