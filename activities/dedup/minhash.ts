import { fmix32, hashString, prng } from '../../core/hash32.js';
import { normalizeText, type NormalizeOptions } from './text.js';

/**
 * MinHash signatures over shingles, and the hashes LSH banding groups them by. Pure functions on
 * strings and typed arrays, so that worker threads run exactly the code the main thread runs.
 */
export interface MinhashParams {
  shingle: 'word' | 'char';
  /** Words (or characters) per shingle. */
  size: number;
  permutations: number;
  bands: number;
  /** Seed of the permutation constants: signatures are comparable only under the same seed. */
  seed: number;
  normalize: NormalizeOptions;
}

export const rowsOf = (p: MinhashParams): number => p.permutations / p.bands;

export interface Permutations {
  a: Uint32Array;
  b: Uint32Array;
}

export function permutations(p: MinhashParams): Permutations {
  const next = prng(p.seed ^ 0x5bd1e995);
  const a = new Uint32Array(p.permutations);
  const b = new Uint32Array(p.permutations);
  for (let i = 0; i < p.permutations; i++) {
    a[i] = next() | 1; // odd: multiplication is a bijection on 32-bit words
    b[i] = next();
  }
  return { a, b };
}

/** Shingle hashes of a normalised text; a text shorter than one shingle is one shingle. */
export function shingleHashes(text: string, p: MinhashParams, out: number[]): number {
  let n = 0;
  if (p.shingle === 'char') {
    const k = p.size;
    if (text.length <= k) out[n++] = hashString(text, 0x9747b28c);
    else for (let i = 0; i + k <= text.length; i++) out[n++] = hashString(text, 0x9747b28c, i, i + k);
    return n;
  }
  const words: number[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text.charCodeAt(i) === 32) {
      if (i > start) words.push(hashString(text, 0x2545f491, start, i));
      start = i + 1;
    }
  }
  const k = p.size;
  if (words.length <= k) {
    let h = 0x27d4eb2d;
    for (const w of words) h = Math.imul(h ^ w, 0x01000193);
    out[n++] = fmix32(h);
    return n;
  }
  for (let i = 0; i + k <= words.length; i++) {
    let h = 0x27d4eb2d;
    for (let j = i; j < i + k; j++) h = Math.imul(h ^ words[j]!, 0x01000193);
    out[n++] = fmix32(h);
  }
  return n;
}

/** Reusable buffers for signing, one per thread. */
export interface SignScratch {
  shingles: number[];
  packed: Int32Array;
}

export const newScratch = (): SignScratch => ({ shingles: [], packed: new Int32Array(1024) });

/**
 * Writes the signature of one normalised text at `sig[offset..offset+P)`. Each permutation is a
 * multiply by an odd constant after xoring a salt, followed by an xor-shift (a cheap mix that keeps
 * it a bijection on 32-bit words). The loop runs permutation-major, four permutations per pass over
 * the shingles: each shingle is loaded once for four independent min chains, which the CPU overlaps.
 * Returns the shingle count; the hashes stay in `scratch.shingles` for a caller that wants them.
 */
export function signatureInto(text: string, p: MinhashParams, perm: Permutations, sig: Uint32Array, offset: number, scratch: SignScratch): number {
  const n = shingleHashes(text, p, scratch.shingles);
  if (scratch.packed.length < n) scratch.packed = new Int32Array(n * 2);
  const sh = scratch.packed;
  for (let s = 0; s < n; s++) sh[s] = scratch.shingles[s]!;
  const P = p.permutations;
  const { a, b } = perm;
  // Compared as signed 32-bit integers: any fixed total order gives a valid MinHash, and int32
  // arithmetic keeps V8 on its fast path.
  let i = 0;
  for (; i + 4 <= P; i += 4) {
    const a0 = a[i]! | 0;
    const a1 = a[i + 1]! | 0;
    const a2 = a[i + 2]! | 0;
    const a3 = a[i + 3]! | 0;
    const b0 = b[i]! | 0;
    const b1 = b[i + 1]! | 0;
    const b2 = b[i + 2]! | 0;
    const b3 = b[i + 3]! | 0;
    let m0 = 0x7fffffff;
    let m1 = 0x7fffffff;
    let m2 = 0x7fffffff;
    let m3 = 0x7fffffff;
    for (let s = 0; s < n; s++) {
      const x = sh[s]!;
      let v0 = Math.imul(x ^ b0, a0);
      let v1 = Math.imul(x ^ b1, a1);
      let v2 = Math.imul(x ^ b2, a2);
      let v3 = Math.imul(x ^ b3, a3);
      v0 ^= v0 >>> 15;
      v1 ^= v1 >>> 15;
      v2 ^= v2 >>> 15;
      v3 ^= v3 >>> 15;
      if (v0 < m0) m0 = v0;
      if (v1 < m1) m1 = v1;
      if (v2 < m2) m2 = v2;
      if (v3 < m3) m3 = v3;
    }
    sig[offset + i] = m0;
    sig[offset + i + 1] = m1;
    sig[offset + i + 2] = m2;
    sig[offset + i + 3] = m3;
  }
  for (; i < P; i++) {
    const ai = a[i]! | 0;
    const bi = b[i]! | 0;
    let min = 0x7fffffff;
    for (let s = 0; s < n; s++) {
      let v = Math.imul(sh[s]! ^ bi, ai);
      v ^= v >>> 15;
      if (v < min) min = v;
    }
    sig[offset + i] = min;
  }
  return n;
}

/** The share of equal signature positions: an unbiased estimate of Jaccard similarity. */
export function estimateJaccard(sigs: Uint32Array, i: number, j: number, P: number): number {
  let eq = 0;
  const oi = i * P;
  const oj = j * P;
  for (let k = 0; k < P; k++) if (sigs[oi + k] === sigs[oj + k]) eq++;
  return eq / P;
}

/** The hash of band `band` of signature `i`. */
export function bandHash(sigs: Uint32Array, i: number, band: number, rows: number, P: number): number {
  let h = (0x9e3779b9 ^ band) >>> 0;
  const o = i * P + band * rows;
  for (let k = 0; k < rows; k++) h = Math.imul(h ^ sigs[o + k]!, 0x01000193);
  return fmix32(h);
}

/** A signed batch: signatures, exact keys, and (when asked) each text's sorted set of shingle hashes. */
export interface SignedBatch {
  sigs: Uint32Array;
  exact: Uint32Array;
  /** Text i's shingle set is `shingles[offsets[i]..offsets[i+1])`, sorted ascending, no repeats. */
  shingles?: Uint32Array;
  offsets?: Uint32Array;
}

/**
 * Signatures and exact-duplicate keys (two independent 32-bit hashes of the normal form) of a batch;
 * with `withShingles`, also the shingle sets, so that candidate pairs can be checked by their true
 * Jaccard similarity rather than the signature's estimate.
 */
export function signBatch(texts: readonly string[], p: MinhashParams, perm: Permutations, withShingles = false): SignedBatch {
  const sigs = new Uint32Array(texts.length * p.permutations);
  const exact = new Uint32Array(texts.length * 2);
  const scratch = newScratch();
  const sets: Uint32Array[] = [];
  for (let i = 0; i < texts.length; i++) {
    const norm = normalizeText(texts[i]!, p.normalize);
    exact[2 * i] = hashString(norm, 0x1b873593);
    exact[2 * i + 1] = hashString(norm, 0xcc9e2d51);
    const n = signatureInto(norm, p, perm, sigs, i * p.permutations, scratch);
    if (withShingles) sets.push(sortedSet(scratch.shingles, n));
  }
  if (!withShingles) return { sigs, exact };
  const offsets = new Uint32Array(texts.length + 1);
  for (let i = 0; i < sets.length; i++) offsets[i + 1] = offsets[i]! + sets[i]!.length;
  const shingles = new Uint32Array(offsets[texts.length]!);
  sets.forEach((set, i) => shingles.set(set, offsets[i]));
  return { sigs, exact, shingles, offsets };
}

function sortedSet(values: readonly number[], n: number): Uint32Array {
  const sorted = Uint32Array.from(values.slice(0, n)).sort();
  let w = 0;
  for (let r = 0; r < sorted.length; r++) if (r === 0 || sorted[r] !== sorted[w - 1]) sorted[w++] = sorted[r]!;
  return sorted.subarray(0, w);
}

/** True Jaccard similarity of two sorted shingle sets (a merge; 32-bit hashes, so collisions are negligible). */
export function setJaccard(x: Uint32Array, y: Uint32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < x.length && j < y.length) {
    const a = x[i]!;
    const b = y[j]!;
    if (a === b) {
      both++;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  const union = x.length + y.length - both;
  return union === 0 ? 1 : both / union;
}

/** Probability that two texts of Jaccard similarity `s` share at least one band: 1-(1-s^r)^b. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(s, rows), bands);
}
