import { z } from 'zod';
import type { MinhashParams } from './minhash.js';

/** Normalisation before hashing; every switch on by default (text-dedup, datatrove `simplify_text`). */
export const normalizeSchema = z
  .object({
    nfkc: z.boolean().default(true).describe('Unicode NFKC'),
    lowercase: z.boolean().default(true),
    punctuation: z.boolean().default(true).describe('remove punctuation and symbols'),
    whitespace: z.boolean().default(true).describe('collapse whitespace'),
  })
  .strict();

/**
 * Near-duplicate parameters shared by dedup and split. Defaults and their sources:
 * - word 5-gram shingles: datatrove `MinhashConfig(n_grams=5)`, text-dedup `--ngram 5`;
 * - 112 permutations in 14 bands of 8 rows: datatrove `MinhashConfig(num_buckets=14, hashes_per_bucket=8)`
 *   (NeMo Curator uses 260 hashes in 20 bands with character 24-grams; text-dedup 256 permutations);
 *   two texts of Jaccard 0.85 share a band with probability 0.988;
 * - threshold 0.85: seed 004 ("Duplicate content (>85% similarity)", `remove_duplicates.py --similarity 0.85`).
 */
export const minhashShape = {
  fields: z.array(z.string()).optional().describe('fields compared (dotted paths); default: the fields of the record format'),
  threshold: z.number().gt(0).max(1).default(0.85).describe('estimated Jaccard similarity at or above which two records are near-duplicates'),
  shingle: z.enum(['word', 'char']).default('word'),
  shingleSize: z.number().int().positive().max(64).default(5),
  permutations: z.number().int().positive().max(1024).default(112),
  bands: z.number().int().positive().default(14),
  hashSeed: z.number().int().default(1).describe('seed of the MinHash permutations (signatures compare only under the same seed)'),
  normalize: normalizeSchema.prefault({}),
  threads: z.number().int().nonnegative().default(0).describe('hashing threads; 0 = one per core'),
};

export function checkBands(o: { permutations: number; bands: number }, ctx: z.RefinementCtx): void {
  if (o.permutations % o.bands !== 0) {
    ctx.addIssue({ code: 'custom', path: ['bands'], message: `permutations (${o.permutations}) must be a multiple of bands (${o.bands})` });
  }
}

export function minhashParams(o: {
  shingle: 'word' | 'char';
  shingleSize: number;
  permutations: number;
  bands: number;
  hashSeed: number;
  normalize: MinhashParams['normalize'];
}): MinhashParams {
  return { shingle: o.shingle, size: o.shingleSize, permutations: o.permutations, bands: o.bands, seed: o.hashSeed, normalize: o.normalize };
}
