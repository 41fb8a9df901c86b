import type { InferenceSession as Session } from 'onnxruntime-node';

/**
 * A pluggable quality classifier run with onnxruntime-node. The model contract is small on
 * purpose, so any framework can produce it (scikit-learn + skl2onnx, PyTorch export):
 *   input:  float32 [batch, dim]: hashed bag of words (lower-cased letter/digit runs, FNV-1a 32-bit
 *           mod dim, counts, L2-normalised) of the prompt and response joined by a newline;
 *   output: float32 [batch, 1] P(good), or [batch, k] class probabilities (column positiveIndex).
 * The component is 10 x P(good).
 */
export interface ClassifierOptions {
  model: string;
  dim?: number | undefined;
  input?: string | undefined;
  output?: string | undefined;
  positiveIndex: number;
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function hashedFeatures(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) v[fnv1a(m[0]) % dim]! += 1;
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dim; i++) v[i]! *= inv;
  }
  return v;
}

export interface Classifier {
  score(text: string): Promise<number>;
  close(): Promise<void>;
}

export async function loadClassifier(o: ClassifierOptions): Promise<Classifier> {
  const ort = await import('onnxruntime-node');
  const session: Session = await ort.InferenceSession.create(o.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const inputName = o.input ?? session.inputNames[0]!;
  const outputName = o.output ?? session.outputNames[0]!;
  const meta = session.inputMetadata.find((m) => m.name === inputName);
  const shapeDim = meta && meta.isTensor ? meta.shape[1] : undefined;
  const dim = o.dim ?? (typeof shapeDim === 'number' ? shapeDim : undefined);
  if (!dim) throw new Error(`classifier ${o.model}: input "${inputName}" has no fixed feature size; set classifier.dim`);
  return {
    async score(text) {
      const x = new ort.Tensor('float32', hashedFeatures(text, dim), [1, dim]);
      const out = await session.run({ [inputName]: x });
      const y = out[outputName];
      if (!y) throw new Error(`classifier ${o.model}: no output "${outputName}"`);
      const data = y.data as Float32Array;
      const cols = y.dims[y.dims.length - 1] ?? 1;
      let p = cols >= 2 ? data[o.positiveIndex]! : data[0]!;
      if (p < 0 || p > 1) p = 1 / (1 + Math.exp(-p));
      return p;
    },
    close: () => session.release(),
  };
}
