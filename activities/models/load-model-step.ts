import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineStep, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { PipelineError } from '../../core/errors.js';
import { defaultBaseModelPath, ensureEmbeddedBaseModel, isEmbeddedBaseModel } from './base-model.js';
import { ggmlTypeName, plainValue, readGguf, type GgufFile } from '../../native/gguf-writer.js';

/** Counts tensors per ggml type, e.g. { F32: 12, Q8_0: 7 }. */
export function weightTypes(parsed: GgufFile): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of parsed.tensors) {
    const name = ggmlTypeName(t.ggmlType);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The facts about a GGUF that later steps and the registry show: architecture, size, weight types. */
export function describeGguf(parsed: GgufFile): Record<string, unknown> {
  const arch = plainValue(parsed.metadata.get('general.architecture')) as string | undefined;
  const parameters = parsed.tensors.reduce((n, t) => n + t.dims.reduce((a, d) => a * d, 1), 0);
  return {
    architecture: arch ?? 'unknown',
    name: plainValue(parsed.metadata.get('general.name')) ?? null,
    parameters,
    tensors: parsed.tensors.length,
    weightTypes: weightTypes(parsed),
    contextLength: arch ? (plainValue(parsed.metadata.get(`${arch}.context_length`)) ?? null) : null,
    ggufVersion: parsed.version,
  };
}

async function statOrThrow(file: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return st;
  } catch (err) {
    throw new PipelineError('INVALID_INPUT_DATA', `base model not found: ${file} (${(err as Error).message})`, [{ path: 'options.path', message: 'file not found' }]);
  }
}

/**
 * `load-model`: brings the user's GGUF into the store, so that training, quantization and lineage
 * refer to it by content digest like any other artifact. The header is read first: a file that is not
 * GGUF fails here, naming the file, instead of deep inside a trainer.
 */
export const loadModelStep = defineStep({
  kind: 'load-model',
  description: 'Import a GGUF model file (the base model) into the artifact store after checking its header',
  module: import.meta.url,
  paths: { path: 'read' },
  // Hashing a multi-GB file into the store reports nothing while it runs.
  silenceMs: MODEL_SILENCE_MS,
  inputs: {},
  outputs: { model: 'model' },
  options: z
    .object({
      path: z.string().min(1).optional().describe('GGUF file on the worker; default FORGELINE_BASE_MODEL, else the embedded SmolLM2-135M-Instruct (fetched once)'),
    })
    .strict(),
  // Path, size and modification time, not a content hash: hashing a 15 GB base model on every run just
  // to find the cache would cost more than most steps it guards (the same trade make and rsync make).
  async fingerprint(o) {
    const file = path.resolve(o.path ?? defaultBaseModelPath());
    const st = await fs.stat(file).catch(() => undefined);
    return st ? `${file}:${st.size}:${st.mtimeMs}` : `${file}:missing`;
  },
  async run(ctx, _inputs, o) {
    const file = path.resolve(o.path ?? defaultBaseModelPath());
    if (isEmbeddedBaseModel(file)) await ensureEmbeddedBaseModel((message) => ctx.heartbeat({ message }));
    await statOrThrow(file);
    const parsed = await readGguf(file);
    if (parsed.tensors.length === 0) throw new PipelineError('INVALID_INPUT_DATA', `${file}: the GGUF holds no tensors (a vocabulary-only file?)`, [{ path: 'options.path', message: 'no tensors' }]);
    ctx.heartbeat({ message: `importing ${path.basename(file)}` });
    const model = await ctx.store.putFile(file, { kind: 'model', schema: 'gguf' });
    // The imported copy's digest is the file's: `sourceSha256` links the model to its file in the lineage.
    return { outputs: { model }, metadata: { source: file, sourceSha256: model.sha256, sourcePath: file, bytes: model.bytes, ...describeGguf(parsed) } };
  },
});
