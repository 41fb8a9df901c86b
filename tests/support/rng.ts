/** A deterministic pseudo-random source in [0, 1) for property tests (xorshift32): the same seed, the same draws. */
export function rng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a ^= a << 13;
    a ^= a >>> 17;
    a ^= a << 5;
    return (a >>> 0) / 0x100000000;
  };
}
