import fs from 'node:fs/promises';
import { PipelineError } from '../../core/errors.js';
import { hashString } from './minhash.js';
import { normalizeText, type NormalizeOptions } from './text.js';
import type { UnionFind } from './lsh.js';

/**
 * Semantic near-duplicates: records whose embeddings have a cosine similarity at or above a
 * threshold (SemDeDup, Abbas et al. 2023; NeMo Curator's semantic dedup). The embedder is
 * pluggable; the built-in one runs an ONNX encoder through onnxruntime-node.
 */
export interface Embedder {
  /** L2-normalised embeddings, one per text. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * Token ids from words hashed into [1, vocabSize) (0 pads). Models trained on a hashed-word
 * vocabulary, or the test's tiny encoder, take these; a sub-word model needs its own tokenizer.
 */
export function hashedTokenIds(text: string, vocabSize: number, maxTokens: number): number[] {
  const ids: number[] = [];
  for (const w of text.split(' ')) {
    if (w.length === 0) continue;
    ids.push(1 + (hashString(w, 0x3c6ef372) % (vocabSize - 1)));
    if (ids.length >= maxTokens) break;
  }
  return ids.length > 0 ? ids : [1];
}

export interface OnnxEmbedderOptions {
  model: string;
  vocabSize: number;
  maxTokens: number;
  batchSize: number;
  normalize: NormalizeOptions;
}

/**
 * An ONNX encoder with an `input_ids` input (int64 [batch, tokens]) and, when it declares one, an
 * `attention_mask`; its first output is [batch, dim] or [batch, tokens, dim] (mean-pooled over the mask).
 */
export async function onnxEmbedder(o: OnnxEmbedderOptions): Promise<Embedder> {
  await fs.access(o.model).catch(() => {
    throw new PipelineError('CONFIG', `semantic dedup model not found: ${o.model}`, [{ path: 'semantic.model', message: 'file not found' }]);
  });
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    throw new PipelineError('DEPENDENCY_MISSING', `onnxruntime-node cannot be loaded: ${(err as Error).message}`);
  }
  const session = await ort.InferenceSession.create(o.model, { executionProviders: ['cpu'] });
  const idsName = session.inputNames.includes('input_ids') ? 'input_ids' : session.inputNames[0]!;
  const maskName = session.inputNames.includes('attention_mask') ? 'attention_mask' : undefined;
  const outName = session.outputNames[0]!;

  async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const tokens = texts.map((t) => hashedTokenIds(normalizeText(t, o.normalize), o.vocabSize, o.maxTokens));
    const len = Math.max(...tokens.map((t) => t.length));
    const ids = new BigInt64Array(texts.length * len);
    const mask = new BigInt64Array(texts.length * len);
    tokens.forEach((t, b) => t.forEach((id, k) => ((ids[b * len + k] = BigInt(id)), (mask[b * len + k] = 1n))));
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { [idsName]: new ort.Tensor('int64', ids, [texts.length, len]) };
    if (maskName) feeds[maskName] = new ort.Tensor('int64', mask, [texts.length, len]);
    const out = (await session.run(feeds))[outName]!;
    const data = out.data as Float32Array;
    const dims = out.dims;
    const dim = dims[dims.length - 1]!;
    return tokens.map((t, b) => {
      const v = new Float32Array(dim);
      if (dims.length === 2) v.set(data.subarray(b * dim, (b + 1) * dim));
      else {
        for (let k = 0; k < t.length; k++) for (let d = 0; d < dim; d++) v[d]! += data[(b * len + k) * dim + d]!;
        for (let d = 0; d < dim; d++) v[d]! /= t.length;
      }
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) v[d]! /= norm;
      return v;
    });
  }

  return {
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += o.batchSize) out.push(...(await embedBatch(texts.slice(i, i + o.batchSize))));
      return out;
    },
    close: () => session.release(),
  };
}

/**
 * Links members whose embeddings reach `threshold` cosine similarity: an exact, all-pairs search
 * (O(n^2 dim)), which is why the stage caps how many records it embeds.
 */
export function linkSemanticDuplicates(
  members: readonly number[],
  vectors: readonly Float32Array[],
  threshold: number,
  uf: UnionFind,
  skip?: (a: number, b: number) => boolean,
): number {
  let links = 0;
  for (let i = 0; i < members.length; i++) {
    const vi = vectors[i]!;
    for (let j = i + 1; j < members.length; j++) {
      const a = members[i]!;
      const b = members[j]!;
      if (skip?.(a, b) || uf.find(a) === uf.find(b)) continue;
      const vj = vectors[j]!;
      let dot = 0;
      for (let d = 0; d < vi.length; d++) dot += vi[d]! * vj[d]!;
      if (dot >= threshold) {
        uf.union(a, b);
        links++;
      }
    }
  }
  return links;
}
