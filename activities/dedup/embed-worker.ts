import { parentPort, workerData } from 'node:worker_threads';
import { hashedTokenIds, type OnnxEmbedderOptions } from './semantic.js';
import { normalizeText } from './text.js';

/** Worker thread: runs the ONNX encoder on batches of texts; replies with L2-normalised embeddings. */
const o = workerData as OnnxEmbedderOptions;

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
let loaded: Promise<{ ort: Ort; session: Session }> | undefined;

async function load(): Promise<{ ort: Ort; session: Session }> {
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    throw Object.assign(new Error(`onnxruntime-node cannot be loaded: ${(err as Error).message}`), { code: 'DEPENDENCY_MISSING' });
  }
  return { ort, session: await ort.InferenceSession.create(o.model, { executionProviders: ['cpu'] }) };
}

async function embed(texts: string[]): Promise<{ vectors: Float32Array; dim: number }> {
  const { ort, session } = await (loaded ??= load());
  const idsName = session.inputNames.includes('input_ids') ? 'input_ids' : session.inputNames[0]!;
  const maskName = session.inputNames.includes('attention_mask') ? 'attention_mask' : undefined;
  const tokens = texts.map((t) => hashedTokenIds(normalizeText(t, o.normalize), o.vocabSize, o.maxTokens));
  const len = Math.max(...tokens.map((t) => t.length));
  const ids = new BigInt64Array(texts.length * len);
  const mask = new BigInt64Array(texts.length * len);
  tokens.forEach((t, b) =>
    t.forEach((id, k) => {
      ids[b * len + k] = BigInt(id);
      mask[b * len + k] = 1n;
    }),
  );
  const feeds: Record<string, InstanceType<Ort['Tensor']>> = { [idsName]: new ort.Tensor('int64', ids, [texts.length, len]) };
  if (maskName) feeds[maskName] = new ort.Tensor('int64', mask, [texts.length, len]);
  const out = (await session.run(feeds))[session.outputNames[0]!]!;
  const data = out.data as Float32Array;
  const dims = out.dims;
  const dim = dims[dims.length - 1]!;
  const vectors = new Float32Array(texts.length * dim);
  tokens.forEach((t, b) => {
    const v = vectors.subarray(b * dim, (b + 1) * dim);
    if (dims.length === 2) v.set(data.subarray(b * dim, (b + 1) * dim));
    else {
      for (let k = 0; k < t.length; k++) for (let d = 0; d < dim; d++) v[d]! += data[(b * len + k) * dim + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) v[d]! /= norm;
  });
  return { vectors, dim };
}

parentPort?.on('message', (msg: { id: number; texts: string[] }) => {
  embed(msg.texts).then(
    (r) => parentPort?.postMessage({ id: msg.id, ...r }, [r.vectors.buffer as ArrayBuffer]),
    (err: unknown) => parentPort?.postMessage({ id: msg.id, error: (err as Error).message, code: (err as { code?: string }).code }),
  );
});
