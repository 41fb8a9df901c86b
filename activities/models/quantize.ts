import type { GpuHardware } from '../../core/hardware.js';
import { runChild } from '../../native/job.js';
import type { QuantizeRequest, QuantizeResult } from './child/quantize-child.js';
import { GGUF_TYPE, gguf, readGguf, rewriteGgufMetadata, type GgufValue } from '../../native/gguf-writer.js';
import type { QuantType } from '../../native/quant-types.js';

export { QUANT_TYPES, type QuantType } from '../../native/quant-types.js';

/** Metadata every exported model carries (the "name, description, license, data digest"). */
export interface ModelCard {
  name?: string;
  description?: string;
  license?: string;
  /** sha256 of the training data artifact (or of the data of every phase, joined). */
  trainingDataSha256?: string;
}

export const METADATA_KEYS = {
  name: 'general.name',
  description: 'general.description',
  license: 'general.license',
  trainingData: 'forgeline.training_data.sha256',
  quantization: 'forgeline.quantization',
} as const;

export function cardMetadata(card: ModelCard): Record<string, GgufValue> {
  const out: Record<string, GgufValue> = {};
  if (card.name) out[METADATA_KEYS.name] = gguf.str(card.name);
  if (card.description) out[METADATA_KEYS.description] = gguf.str(card.description);
  if (card.license) out[METADATA_KEYS.license] = gguf.str(card.license);
  if (card.trainingDataSha256) out[METADATA_KEYS.trainingData] = gguf.str(card.trainingDataSha256);
  return out;
}

/** Quantizes `input` to `output` through libllama in a child process (on `gpu`'s build and one of its devices, when given). */
export function quantizeFile(input: string, output: string, type: QuantType, options: { threads?: number; signal?: AbortSignal; gpu?: GpuHardware | undefined } = {}): Promise<QuantizeResult> {
  const req: QuantizeRequest = { input, output, type, threads: options.threads ?? 0, gpu: options.gpu?.family };
  return runChild<QuantizeResult>(new URL('./child/quantize-child.js', import.meta.url), req, {
    label: `quantizing to ${type}`,
    gpu: options.gpu,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * The size the model would have as F16 (llama.cpp's MOSTLY_F16 keeps 1-D tensors in F32), from the
 * tensor shapes alone, so that every quantized file reports its ratio to F16 without writing one.
 */
export async function f16Bytes(file: string): Promise<number> {
  const parsed = await readGguf(file);
  let bytes = parsed.dataOffset;
  for (const t of parsed.tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    bytes += Math.ceil((n * (t.dims.length >= 2 ? 2 : 4)) / parsed.alignment) * parsed.alignment;
  }
  return bytes;
}

/** Stamps the model card (and the quantization type) into a finished file. */
export function stampMetadata(src: string, dest: string, card: ModelCard, extra: Record<string, GgufValue> = {}): Promise<void> {
  return rewriteGgufMetadata(src, dest, { ...cardMetadata(card), ...extra });
}

export function quantizationTag(type: QuantType): GgufValue {
  return { type: GGUF_TYPE.STRING, value: type };
}
