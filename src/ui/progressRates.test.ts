import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../protocol.ts';
import { OUTLIER_FACTOR, progressRates } from './progressRates.ts';

const BATCHES = 100;

/** Reports every `every` batches of a run whose batches take `secondsAt(step)` each. */
function reports(count: number, every: number, secondsAt: (step: number) => number, extra: Partial<StepEvent> = {}): StepEvent[] {
  const out: StepEvent[] = [];
  let elapsed = 0;
  for (let r = 1; r <= count; r++) {
    const step = r * every;
    let window = 0;
    for (let s = step - every + 1; s <= step; s++) window += secondsAt(s);
    elapsed += window;
    const epoch = Math.floor((step - 1) / BATCHES) + 1;
    out.push({
      type: 'step', runId: 'run-1', epoch, batch: step - (epoch - 1) * BATCHES, batches: BATCHES, step,
      loss: { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 }, learningRate: 0.01, lambdaAdversarial: 0,
      tokensPerSecond: (every * 500) / window, threads: 2, elapsedSeconds: elapsed, etaSeconds: 999, ...extra,
    });
  }
  return out;
}

describe('smoothed progress rates', () => {
  it('gives the steady rate and the ETA of the batches left', () => {
    const rates = progressRates(reports(30, 5, () => 0.2), 3);
    expect(rates.secondsPerBatch).toBeCloseTo(0.2, 10);
    expect(rates.tokensPerSecond).toBeCloseTo(2500, 6);
    // 150 of 300 batches done at 0.2 s each.
    expect(rates.etaSeconds).toBeCloseTo(30, 6);
  });

  it('keeps the ETA steady through one slow window (a pause, an evaluation) instead of jumping with it', () => {
    const steady = reports(40, 5, () => 0.2);
    const paused = reports(40, 5, (s) => (s === 200 ? 60 : 0.2));
    const eta = progressRates(paused, 3).etaSeconds!;
    const plain = progressRates(steady, 3).etaSeconds!;
    // The window with a one-minute pause moves the rate by at most the outlier bound, weighted by its 5 batches.
    expect(eta / plain).toBeLessThan(1 + (OUTLIER_FACTOR - 1) * (1 - 0.95 ** 5) + 1e-9);
    expect(eta).toBeGreaterThan(plain);
    // The trainer's epoch-so-far figure would have said 1.5 minutes more.
    expect(eta - plain).toBeLessThan(20);
  });

  it('follows a lasting change of speed within a few dozen batches', () => {
    const slower = reports(60, 5, (s) => (s > 100 ? 0.4 : 0.2));
    expect(progressRates(slower, 3).secondsPerBatch).toBeCloseTo(0.4, 2);
  });

  it('shows the most threads of the latest reports, so one single-thread window does not flicker', () => {
    const steps = reports(12, 5, () => 0.2);
    steps[11] = { ...steps[11]!, threads: 1 };
    expect(progressRates(steps, 3).threads).toBe(2);
    expect(progressRates(reports(12, 5, () => 0.2, { threads: 1 }), 3).threads).toBe(1);
  });

  it('says nothing before the first report, and the trainer\'s ETA until a window can be measured', () => {
    expect(progressRates([], 3)).toEqual({ secondsPerBatch: null, tokensPerSecond: null, etaSeconds: null, threads: 1 });
    const first = reports(1, 5, () => 0.2);
    expect(progressRates(first, 3)).toMatchObject({ secondsPerBatch: null, etaSeconds: 999 });
  });

  it('measures no window across a resume (the trainer\'s clock restarts)', () => {
    const before = reports(20, 5, () => 0.2);
    const after = reports(20, 5, () => 0.2).map((s) => ({ ...s, step: s.step + 100, epoch: s.epoch + 1 }));
    const rates = progressRates([...before, ...after], 3);
    expect(rates.secondsPerBatch).toBeCloseTo(0.2, 10);
  });
});
