/**
 * Seeded train/dev split of one file, for researchers who bring a single annotated file. The same
 * seed gives the same split in Node and every browser, so runs stay comparable.
 */
import { createRng, shuffleIndices } from './prng.ts';

export interface SplitOptions {
  /** Share of sentences that go to dev, in [0, 1); default 0.1. */
  devFraction?: number;
  seed?: number;
}

export interface Split<T> {
  train: T[];
  dev: T[];
  /** Positions in the input of each train / dev item, ascending (file order is kept). */
  trainIndices: number[];
  devIndices: number[];
}

/**
 * Puts round(n · devFraction) randomly chosen items in dev (at least one when the fraction is
 * positive and there are two or more items, so dev is never silently empty), the rest in train.
 */
export function splitTrainDev<T>(items: readonly T[], options: SplitOptions = {}): Split<T> {
  const fraction = options.devFraction ?? 0.1;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`devFraction must be in [0, 1), got ${fraction}`);
  const n = items.length;
  let devCount = Math.round(n * fraction);
  if (fraction > 0 && n >= 2) devCount = Math.min(Math.max(devCount, 1), n - 1);

  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleIndices(order, createRng(options.seed ?? 0));
  const inDev = new Uint8Array(n);
  for (let k = 0; k < devCount; k++) inDev[order[k]] = 1;

  const split: Split<T> = { train: [], dev: [], trainIndices: [], devIndices: [] };
  for (let i = 0; i < n; i++) {
    if (inDev[i]) {
      split.dev.push(items[i]);
      split.devIndices.push(i);
    } else {
      split.train.push(items[i]);
      split.trainIndices.push(i);
    }
  }
  return split;
}
