import { describe, expect, it } from 'vitest';
import { compareOutputs, maxRelativeError, RELATIVE_ERROR_FLOOR, seededValues } from './kernelCheck.ts';

describe('maxRelativeError', () => {
  it('divides by the reference, or by the floor where the reference is smaller', () => {
    expect(maxRelativeError([1.1, 2], [1, 2])).toBeCloseTo(0.1, 12);
    expect(maxRelativeError([1e-6], [0])).toBeCloseTo(1e-6 / RELATIVE_ERROR_FLOOR, 12);
  });
  it('is infinite for a length mismatch or a non-finite value where the reference is finite', () => {
    expect(maxRelativeError([1], [1, 2])).toBe(Infinity);
    expect(maxRelativeError([NaN], [1])).toBe(Infinity);
  });
});

describe('compareOutputs', () => {
  it('reports the worst output and each one', () => {
    const outcome = compareOutputs({ a: [1, 2], b: [3.3] }, { a: [1, 2], b: [3] }, 1e-4);
    expect(outcome.maxRelError).toBeCloseTo(0.1, 6);
    expect(outcome.detail).toMatch(/a 0\.00e\+0, b 1\.00e-1/);
  });
  it('fails an output that is missing', () => {
    expect(compareOutputs({}, { a: [1] }, 1e-4).maxRelError).toBe(Infinity);
  });
});

describe('seededValues', () => {
  it('is deterministic and within the scale', () => {
    const v = seededValues(1000, 7, 0.5);
    expect(Array.from(v)).toEqual(Array.from(seededValues(1000, 7, 0.5)));
    expect(Math.max(...v)).toBeLessThan(0.5);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-0.5);
  });
});
