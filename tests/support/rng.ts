import { prng } from '../../core/hash32.js';

/** A deterministic pseudo-random source in [0, 1) for property tests: core/hash32's seeded generator, scaled. */
export function rng(seed: number): () => number {
  const next = prng(seed);
  return () => next() / 0x100000000;
}
