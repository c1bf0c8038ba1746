import { describe, expect, it } from 'vitest';
import { adversarialWeightAt, learningRateAt } from './schedule.ts';

describe('learningRateAt', () => {
  it('starts at the configured rate and decays by inverse time', () => {
    const train = { learningRate: 0.008, learningRateDecay: 0.05 };
    expect(learningRateAt(train, 0)).toBe(0.008);
    expect(learningRateAt(train, 10)).toBeCloseTo(0.008 / 1.5, 12);
    expect(learningRateAt({ ...train, learningRateDecay: 0 }, 7)).toBe(0.008);
  });
});

describe('adversarialWeightAt', () => {
  it('is constant when asked', () => {
    expect(adversarialWeightAt({ lambdaAdversarial: 5, adversarialSchedule: 'constant' }, 0)).toBe(5);
  });
  it('ramps from 0 to λ1 monotonically', () => {
    const train = { lambdaAdversarial: 5, adversarialSchedule: 'ramp' as const };
    expect(adversarialWeightAt(train, 0)).toBe(0);
    expect(adversarialWeightAt(train, 1)).toBeCloseTo(5 * (2 / (1 + Math.exp(-10)) - 1), 12);
    let last = -1;
    for (let p = 0; p <= 1; p += 0.1) {
      const w = adversarialWeightAt(train, p);
      expect(w).toBeGreaterThan(last);
      last = w;
    }
    expect(adversarialWeightAt(train, 2)).toBe(adversarialWeightAt(train, 1));
  });
});
