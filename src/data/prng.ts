/**
 * A small seeded PRNG (mulberry32) so splits, batch orders and property tests are reproducible
 * in Node and in every browser alike; `Math.random` cannot be seeded.
 */

/** Returns a function yielding uniform floats in [0, 1), fully determined by `seed`. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** Same, for typed index arrays. */
export function shuffleIndices(indices: Int32Array, rng: () => number): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = indices[i];
    indices[i] = indices[j];
    indices[j] = tmp;
  }
  return indices;
}
