import { describe, expect, it } from 'vitest';
import { benchPlanFromEnv, countingWarmupSize, FULL_PLAN, plannedWork } from './benchPlan.ts';

describe('benchPlanFromEnv', () => {
  it('makes every pass with one counted step per length when no knob is set', () => {
    expect(benchPlanFromEnv({}, [10, 20, 40])).toEqual(FULL_PLAN);
    expect(FULL_PLAN).toEqual({ timing: true, medianBatch: true, stepsPerLength: 1 });
  });

  it('reads the count-only knobs of the software-adapter run', () => {
    const env = { BENCH_TIMING: 'off', BENCH_MEDIAN: 'off', BENCH_STEPS: '1' };
    expect(benchPlanFromEnv(env, [10, 20, 40])).toEqual({ timing: false, medianBatch: false, stepsPerLength: 1 });
    expect(benchPlanFromEnv({ BENCH_TIMING: '0', BENCH_MEDIAN: 'true', BENCH_STEPS: '3' }, [])).toEqual({ timing: false, medianBatch: true, stepsPerLength: 3 });
  });

  it('names the knob and the value it refuses', () => {
    expect(() => benchPlanFromEnv({ BENCH_TIMING: 'sometimes' }, [10])).toThrow('BENCH_TIMING takes on or off (got "sometimes")');
    expect(() => benchPlanFromEnv({ BENCH_STEPS: '0' }, [10])).toThrow('BENCH_STEPS takes a positive integer (got "0")');
    expect(() => benchPlanFromEnv({ BENCH_STEPS: '1.5' }, [10])).toThrow('BENCH_STEPS');
  });

  it('refuses a run that would measure nothing', () => {
    expect(() => benchPlanFromEnv({ BENCH_TIMING: 'off', BENCH_MEDIAN: 'off' }, [])).toThrow('need BENCH_LENGTHS');
  });
});

describe('plannedWork', () => {
  it('is one small warm-up step plus one step and one decode batch per padded length when counting only', () => {
    const plan = { timing: false, medianBatch: false, stepsPerLength: 1 };
    expect(plannedWork(plan, 1, 3)).toEqual({ steps: 4, decodeBatches: 3 });
    expect(plannedWork({ ...plan, stepsPerLength: 2 }, 1, 3)).toEqual({ steps: 7, decodeBatches: 3 });
  });

  it('trains and decodes every batch, then the median batch, in the full plan', () => {
    // 5 batches of data (2 of them warm-up, all trained), the median batch, 3 lengths.
    expect(plannedWork(FULL_PLAN, 5, 3)).toEqual({ steps: 9, decodeBatches: 9 });
  });
});

describe('countingWarmupSize', () => {
  it('is a small batch, never larger than the counted one', () => {
    expect(countingWarmupSize(64)).toBe(2);
    expect(countingWarmupSize(1)).toBe(1);
  });
});
