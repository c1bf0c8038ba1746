import { describe, expect, it } from 'vitest';
import { emaSmooth, MAX_SMOOTHING } from './smoothing.ts';

describe('emaSmooth (debiased, as TensorBoard)', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('debiases: the first point is itself, later ones the normalised weighted average', () => {
    const w = 0.6;
    const [a, b, c] = emaSmooth([10, 20, 30], w);
    expect(a).toBeCloseTo(10, 12);
    // (w·(1−w)·10 + (1−w)·20) / (1 − w²)
    expect(b).toBeCloseTo((w * (1 - w) * 10 + (1 - w) * 20) / (1 - w ** 2), 12);
    expect(c).toBeCloseTo((w * w * (1 - w) * 10 + w * (1 - w) * 20 + (1 - w) * 30) / (1 - w ** 3), 12);
  });

  it('leaves constant series and non-finite points alone, skipping them in the average', () => {
    expect(emaSmooth([2, 2, 2], 0.9)).toEqual([2, 2, 2]);
    const out = emaSmooth([1, NaN, 3], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25), 12);
    expect(emaSmooth([], 0.5)).toEqual([]);
  });

  it('refuses weights outside [0, MAX_SMOOTHING]', () => {
    expect(() => emaSmooth([1], 1)).toThrow(RangeError);
    expect(() => emaSmooth([1], -0.1)).toThrow(RangeError);
    expect(emaSmooth([1, 2], MAX_SMOOTHING)).toHaveLength(2);
  });
});
