import { describe, expect, it } from 'vitest';
import { splitTrainDev } from './split.ts';

const items = Array.from({ length: 1000 }, (_, i) => `s${i}`);

describe('splitTrainDev', () => {
  it('splits by the fraction, keeps file order and loses nothing', () => {
    const split = splitTrainDev(items, { devFraction: 0.1, seed: 1 });
    expect(split.dev.length).toBe(100);
    expect(split.train.length).toBe(900);
    expect([...split.trainIndices, ...split.devIndices].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    expect(split.devIndices).toEqual([...split.devIndices].sort((a, b) => a - b));
    expect(split.dev).toEqual(split.devIndices.map((i) => items[i]));
  });

  it('is deterministic by seed', () => {
    expect(splitTrainDev(items, { seed: 5 }).devIndices).toEqual(splitTrainDev(items, { seed: 5 }).devIndices);
    expect(splitTrainDev(items, { seed: 5 }).devIndices).not.toEqual(splitTrainDev(items, { seed: 6 }).devIndices);
  });

  it('keeps dev non-empty for small inputs, and allows no dev', () => {
    expect(splitTrainDev(['a', 'b', 'c'], { devFraction: 0.1 }).dev.length).toBe(1);
    expect(splitTrainDev(items, { devFraction: 0 }).dev).toEqual([]);
    expect(() => splitTrainDev(items, { devFraction: 1 })).toThrow(RangeError);
  });
});
