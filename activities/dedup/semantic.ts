import fs from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { PipelineError } from '../../core/errors.js';
import { hashString } from '../../core/hash32.js';
import type { NormalizeOptions } from './text.js';
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

type WorkerReply = { id: number; vectors?: Float32Array; dim?: number; error?: string; code?: string };

/**
 * An ONNX encoder with an `input_ids` input (int64 [batch, tokens]) and, when it declares one, an
 * `attention_mask`; its first output is [batch, dim] or [batch, tokens, dim] (mean-pooled over the
 * mask). onnxruntime runs on a worker thread (embed-worker.ts): the step stays responsive, and the
 * runtime lives in a plain Node realm whatever loaded the step.
 */
export async function onnxEmbedder(o: OnnxEmbedderOptions): Promise<Embedder> {
  await fs.access(o.model).catch(() => {
    throw new PipelineError('CONFIG', `semantic dedup model not found: ${o.model}`, [{ path: 'semantic.model', message: 'file not found' }]);
  });
  const worker = new Worker(new URL('./embed-worker.js', import.meta.url), { workerData: o });
  const waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void }>();
  worker.on('message', (r: WorkerReply) => {
    waiting.get(r.id)?.resolve(r);
    waiting.delete(r.id);
  });
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  let next = 0;
  const call = (texts: string[]): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
  return {
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += o.batchSize) {
        const r = await call(texts.slice(i, i + o.batchSize));
        if (r.error) throw new PipelineError(r.code === 'DEPENDENCY_MISSING' ? 'DEPENDENCY_MISSING' : 'CONFIG', `semantic dedup model ${o.model}: ${r.error}`);
        const dim = r.dim!;
        for (let k = 0; k * dim < r.vectors!.length; k++) out.push(r.vectors!.slice(k * dim, (k + 1) * dim));
      }
      return out;
    },
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * Links members whose embeddings reach `threshold` cosine similarity: an exact, all-pairs search
 * (O(n^2 dim)), which is why the stage caps how many records it embeds.
 */
export async function linkSemanticDuplicates(
  members: readonly number[],
  vectors: readonly Float32Array[],
  threshold: number,
  uf: UnionFind,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  let links = 0;
  for (let i = 0; i < members.length; i++) {
    if (i % 256 === 255) {
      // yield so that heartbeats go out during a long search
      progress?.(i, members.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const vi = vectors[i]!;
    for (let j = i + 1; j < members.length; j++) {
      const a = members[i]!;
      const b = members[j]!;
      if (uf.find(a) === uf.find(b)) continue;
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
