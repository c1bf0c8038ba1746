import { describe, expect, it } from 'vitest';
import { niceTicks, resolveDomain, roomyMax, scaleFn, tickStep } from './chartScale.ts';

describe('chart scales', () => {
  it('picks steps of 1, 2 or 5 × 10^k', () => {
    expect(tickStep(0, 100, 5)).toBe(20);
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 7, 5)).toBe(1);
    expect(tickStep(0, 0.03, 5)).toBeCloseTo(0.005);
    expect(tickStep(0, 40, 4)).toBe(10);
  });

  it('puts ticks on multiples of the step inside the domain, integers when asked', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 17, 4)).toEqual([5, 10, 15]);
    expect(niceTicks(0, 3, 6, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(2, 2, 5)).toEqual([2]);
  });

  it('resolves numbers, data bounds and auto (widened to the step)', () => {
    expect(resolveDomain([0, 'dataMax'], [1, 4, 2])).toEqual([0, 4]);
    expect(resolveDomain(['auto', 'auto'], [83.2, 91.7])).toEqual([82, 92]);
    expect(resolveDomain([0, 1], [5])).toEqual([0, 1]);
    // one point: still an interval
    const [lo, hi] = resolveDomain(['dataMin', 'dataMax'], [3]);
    expect(lo).toBeLessThan(3);
    expect(hi).toBeGreaterThan(3);
    // no data
    expect(resolveDomain(['auto', 'auto'], [])).toEqual([0, 1]);
  });

  it('maps linearly or logarithmically, y axes downward', () => {
    const y = scaleFn([0, 10], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(5)).toBe(50);
    const log = scaleFn([1, 100], [0, 200], true);
    expect(log(10)).toBeCloseTo(100);
  });

  it('gives a growing x axis room past its last point, in round steps (no lone point on the right edge)', () => {
    // Epochs: after epoch 1 the axis runs to 2, and the last epoch is never the edge.
    expect(resolveDomain([0, 'roomy'], [1], 5, true)).toEqual([0, 2]);
    for (let epoch = 1; epoch <= 40; epoch++) {
      const [, hi] = resolveDomain([0, 'roomy'], [1, epoch], 5, true);
      expect(hi).toBeGreaterThan(epoch);
      expect(Number.isInteger(hi)).toBe(true);
    }
    // Steps: the bound stays put while the data grows inside it (the curves need not be redrawn).
    expect(roomyMax(160)).toBe(200);
    expect(roomyMax(175)).toBe(200);
    expect(roomyMax(182)).toBe(300);
    expect(roomyMax(0.004)).toBe(0.005);
    const bounds = new Set(Array.from({ length: 1000 }, (_, i) => roomyMax(i + 1)));
    expect(bounds.size).toBeLessThan(30);
    expect(roomyMax(0)).toBe(1);
  });
});
