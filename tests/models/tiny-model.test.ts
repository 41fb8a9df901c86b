import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gguf, plainValue, readGguf, rewriteGgufMetadata } from '../../native/gguf-writer.js';
import { probeModel } from '../../activities/models/probe.js';
import { buildTinyModel, tinyVocabulary } from '../../activities/models/tiny-model.js';

const tmp = (): Promise<string> => fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-models-'));

describe('tiny model builder and GGUF writer', () => {
  it('writes a llama GGUF that reads back to the spec and generates in node-llama-cpp', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'tiny.gguf');
    const info = await buildTinyModel(file);
    const parsed = await readGguf(file);
    expect(parsed.version).toBe(3);
    expect(plainValue(parsed.metadata.get('general.architecture'))).toBe('llama');
    expect(plainValue(parsed.metadata.get('llama.embedding_length'))).toBe(256);
    expect((plainValue(parsed.metadata.get('tokenizer.ggml.tokens')) as string[]).length).toBe(320);
    expect(parsed.tensors.find((t) => t.name === 'blk.0.ffn_down.weight')?.dims).toEqual([512, 256]);
    expect(parsed.tensors.length).toBe(3 + 9 * 2);
    // Every tensor starts on the alignment boundary, and the file ends with the last tensor.
    for (const t of parsed.tensors) expect(Number(t.offset) % 32).toBe(0);
    const last = parsed.tensors[parsed.tensors.length - 1]!;
    const size = (await fs.stat(file)).size;
    expect(size).toBe(parsed.dataOffset + Number(last.offset) + last.dims.reduce((a, b) => a * b, 1) * 4);
    expect(info.parameters * 4).toBeLessThan(size);

    const probe = await probeModel(file, { prompt: 'Hello, wörld! 日本', maxTokens: 6 });
    expect(probe.generatedTokens).toBe(6);
    expect(probe.trainContextSize).toBe(2048);
    // Byte fallback: the prompt tokenizes to more tokens than it has characters' worth of pieces.
    expect(probe.promptTokens).toBeGreaterThan(10);
  });

  it('is deterministic in its seed and different across seeds', async () => {
    const dir = await tmp();
    await buildTinyModel(path.join(dir, 'a.gguf'), { seed: 7, layers: 1 });
    await buildTinyModel(path.join(dir, 'b.gguf'), { seed: 7, layers: 1 });
    await buildTinyModel(path.join(dir, 'c.gguf'), { seed: 8, layers: 1 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => fs.readFile(path.join(dir, `${n}.gguf`))));
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });

  it('has every byte as a fallback token and rejects a vocabulary too small', () => {
    const v = tinyVocabulary(300);
    expect(v.tokens.filter((t) => /^<0x[0-9A-F]{2}>$/.test(t))).toHaveLength(256);
    expect(v.tokens).toHaveLength(300);
    expect(() => tinyVocabulary(259)).toThrow(/vocabSize/);
  });

  it('rewrites metadata without touching tensor data, and the result still loads', async () => {
    const dir = await tmp();
    const src = path.join(dir, 'src.gguf');
    const dest = path.join(dir, 'dest.gguf');
    await buildTinyModel(src, { layers: 1 });
    await rewriteGgufMetadata(src, dest, {
      'general.name': gguf.str('renamed-model'),
      'forgeline.training_data.sha256': gguf.str('ab'.repeat(32)),
      'general.description': undefined,
    });
    const [a, b] = await Promise.all([readGguf(src), readGguf(dest)]);
    expect(plainValue(b.metadata.get('general.name'))).toBe('renamed-model');
    expect(plainValue(b.metadata.get('forgeline.training_data.sha256'))).toBe('ab'.repeat(32));
    expect(b.metadata.has('general.description')).toBe(false);
    const [da, db] = await Promise.all([fs.readFile(src), fs.readFile(dest)]);
    expect(da.subarray(a.dataOffset).equals(db.subarray(b.dataOffset))).toBe(true);
    expect((await probeModel(dest, { maxTokens: 3 })).generatedTokens).toBe(3);
  });

  it('rejects a file that is not GGUF with its name in the error', async () => {
    const dir = await tmp();
    const bad = path.join(dir, 'bad.gguf');
    await fs.writeFile(bad, 'not a model at all');
    await expect(readGguf(bad)).rejects.toThrow(/bad\.gguf: not a GGUF file/);
  });
});
