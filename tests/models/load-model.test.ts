import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sha256File } from '../../core/artifacts/hash.js';
import { loadConfig } from '../../core/config.js';
import { PipelineError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { runStepOnFiles } from '../../core/stage/run-on-files.js';
import { GGML_TYPE, gguf, writeGguf } from '../../native/gguf-writer.js';
import { loadModelStep } from '../../activities/models/load-model-step.js';
import { anyStep } from '../../core/dsl/step-kind.js';
import { buildTinyModel } from '../../activities/models/tiny-model.js';
import { requireF32Weights } from '../../activities/train/train-step.js';

const log = createLogger({ level: 'warn' });

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'forgeline-load-model-'));
}

async function load(file: string, home: string) {
  return runStepOnFiles(anyStep(loadModelStep), { inputs: {}, config: { path: file } }, loadConfig({ FORGELINE_HOME: home }), log);
}

/** A two-tensor GGUF whose matrix is F16: loadable as a header, not trainable by llama.cpp. */
async function f16Model(file: string): Promise<void> {
  const meta = new Map([['general.architecture', gguf.str('llama')]]);
  await writeGguf(file, meta, [
    { name: 'token_embd.weight', dims: [32, 4], ggmlType: GGML_TYPE.F32, bytes: 32 * 4 * 4, data: () => Buffer.alloc(32 * 4 * 4) },
    { name: 'blk.0.attn_q.weight', dims: [32, 32], ggmlType: GGML_TYPE.F16, bytes: 32 * 32 * 2, data: () => Buffer.alloc(32 * 32 * 2) },
  ]);
}

describe('load-model: the user base model enters the store', () => {
  it('imports a GGUF byte for byte and describes it', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'base.gguf');
    const info = await buildTinyModel(file, { layers: 1 });
    const result = await load(file, dir);
    const ref = result.outputs.model as { sha256: string; bytes: number; kind: string };
    expect(ref.kind).toBe('model');
    expect(ref.sha256).toBe((await sha256File(file)).sha256);
    expect(result.metadata).toMatchObject({ source: file, architecture: 'llama', parameters: info.parameters, weightTypes: { F32: expect.any(Number) } });
    // The lineage's source file: the user's GGUF, by path and digest.
    expect(result.metadata).toMatchObject({ sourcePath: file, sourceSha256: ref.sha256 });
    expect(Object.keys(result.metadata!.weightTypes as object)).toEqual(['F32']);
  });

  it('fingerprints by path, size and mtime, so an edited file misses the cache', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'base.gguf');
    await buildTinyModel(file, { layers: 1 });
    const before = await loadModelStep.fingerprint!({ path: file });
    await fs.appendFile(file, Buffer.alloc(32));
    expect(await loadModelStep.fingerprint!({ path: file })).not.toBe(before);
  });

  it('names the file when it is missing or not GGUF', async () => {
    const dir = await tempDir();
    const missing = path.join(dir, 'nope.gguf');
    await expect(load(missing, dir)).rejects.toThrow(`base model not found: ${missing}`);
    const text = path.join(dir, 'notes.gguf');
    await fs.writeFile(text, 'this is not a model\n'.repeat(10));
    const err = await load(text, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('INVALID_INPUT_DATA');
    expect((err as Error).message).toBe(`${text}: not a GGUF file (bad magic)`);
  });
});

describe('the llamacpp trainer checks its base model is F32 before starting a child', () => {
  it('accepts the F32 tiny model and rejects an F16 one, naming the types, a tensor and the fix', async () => {
    const dir = await tempDir();
    const f32 = path.join(dir, 'f32.gguf');
    await buildTinyModel(f32, { layers: 1 });
    await expect(requireF32Weights(f32)).resolves.toBeUndefined();
    const f16 = path.join(dir, 'f16.gguf');
    await f16Model(f16);
    await expect(requireF32Weights(f16)).rejects.toThrow(/1 tensors of the base model are F16 \(e\.g\. blk\.0\.attn_q\.weight\).*--outtype f32/);
    // A filter that leaves the F16 tensor frozen makes the same file trainable.
    await expect(requireF32Weights(f16, 'ffn_')).resolves.toBeUndefined();
  });
});
