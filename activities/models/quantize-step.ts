import path from 'node:path';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { defineStep, MODEL_SILENCE_MS } from '../../core/dsl/step-kind.js';
import { writeJsonArtifact } from '../../core/stage/records-io.js';
import { probeModel } from './probe.js';
import { f16Bytes, METADATA_KEYS, QUANT_TYPES, quantizationTag, quantizeFile, stampMetadata } from './quantize.js';
import { plainValue, readGguf } from '../../native/gguf-writer.js';

/**
 * `quantize`: one GGUF in, one quantized GGUF out, through libllama's `llama_model_quantize` in a
 * child process. The output counts only once node-llama-cpp has loaded it and generated tokens.
 * A pipeline that wants several types declares one step per type (they run in parallel and cache
 * one by one).
 */
export const quantizeStep = defineStep({
  kind: 'quantize',
  description: 'Quantize a GGUF model (Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16), check it loads and generates, record size and ratio',
  module: import.meta.url,
  profile: 'gpu',
  inputs: { model: { kind: 'model' }, data: { kind: 'records', optional: true } },
  outputs: { model: 'model', report: 'report' },
  options: z
    .object({
      type: z.enum(QUANT_TYPES).default('Q4_K_M'),
      name: z.string().min(1).optional(),
      description: z.string().optional(),
      license: z.string().optional(),
      /** Threads for quantization; 0 = every core (llama.cpp's own default). */
      threads: z.number().int().nonnegative().default(0),
      probePrompt: z.string().min(1).default('The quick brown fox'),
      probeTokens: z.number().int().positive().max(256).default(8),
    })
    .strict(),
  timeouts: { heartbeatMs: 60_000 },
  silenceMs: MODEL_SILENCE_MS,
  async run(ctx, inputs, options) {
    const src = await ctx.store.localPath(inputs.model);
    const raw = path.join(ctx.workDir, `quantized-${options.type}.gguf`);
    ctx.heartbeat({ message: `quantizing to ${options.type}` });
    const q = await quantizeFile(src, raw, options.type, { threads: options.threads, signal: ctx.signal, gpu: ctx.hardware.gpu });
    const before = await readGguf(src);
    const card = {
      name: options.name ?? (plainValue(before.metadata.get(METADATA_KEYS.name)) as string | undefined) ?? 'model',
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.license !== undefined ? { license: options.license } : {}),
      ...(inputs.data ? { trainingDataSha256: inputs.data.sha256 } : {}),
    };
    const w = await ctx.store.writer('.gguf');
    try {
      await stampMetadata(raw, w.path, card, { [METADATA_KEYS.quantization]: quantizationTag(options.type) });
      await fs.rm(raw, { force: true });
      ctx.heartbeat({ message: `loading the ${options.type} file` });
      const probe = await probeModel(w.path, { prompt: options.probePrompt, maxTokens: options.probeTokens, signal: ctx.signal, gpu: ctx.hardware.gpu });
      const f16 = await f16Bytes(src);
      const model = await w.commit({ kind: 'model', schema: 'gguf' });
      // `quantization` is the field the lineage store reads (activities/lineage/derive.ts): one name
      // for the type, in the step metadata, the report and the registry.
      const facts = {
        quantization: options.type,
        device: ctx.hardware.gpu?.family ?? 'cpu',
        bytes: model.bytes,
        inputBytes: inputs.model.bytes,
        f16Bytes: f16,
        ratioToF16: Number((model.bytes / f16).toFixed(4)),
        ratioToInput: Number((model.bytes / inputs.model.bytes).toFixed(4)),
        quantizeMs: Math.round(q.ms),
        probe: { generatedTokens: probe.generatedTokens, loadMs: probe.loadMs, generateMs: probe.generateMs },
        metadata: { name: card.name, trainingDataSha256: card.trainingDataSha256 ?? plainValue(before.metadata.get(METADATA_KEYS.trainingData)) ?? null },
      };
      const report = await writeJsonArtifact(ctx.store, facts, 'report', 'quantize-report');
      return { outputs: { model, report }, metadata: facts };
    } catch (err) {
      await w.abort();
      throw err;
    }
  },
});
