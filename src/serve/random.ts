/**
 * mulberry32: a tiny seeded generator, so a target told to drop or garble replies does it the same
 * way on every run with the same seed. Not for anything that needs real randomness.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of the `index`-th connection of a target: connection 0 uses the seed itself. */
export function connectionRandom(seed: number, index: number): () => number {
  // Spread neighbouring indexes far apart so connections do not replay each other's draws.
  return mulberry32((seed ^ Math.imul(index, 0x9e3779b9)) >>> 0);
}
