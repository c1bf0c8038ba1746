/**
 * A run's speed and ETA as its card shows them, smoothed over batches. The trainer's own figures
 * are per reporting window (tokens/s) and per epoch so far (ETA), so they jump: the first windows
 * of an epoch carry its dev evaluation, a window may hold a pause or another run's turns, and an
 * ETA from three batches swings by minutes (0:36 → 2:13 within an epoch was seen). Here each
 * window's seconds per batch and tokens/s enter an exponential moving average whose weight grows
 * with the batches in the window, and a window far off the estimate (a pause) moves it only by a
 * bounded factor. Pure: computed from the run's step reports.
 */
import type { StepEvent } from '../protocol.ts';

/** Weight of one batch in the moving averages: a sample's weight halves in about 14 batches. */
export const BATCH_WEIGHT = 0.05;
/** A window more than this factor away from the estimate counts as this factor away (pauses, evaluations). */
export const OUTLIER_FACTOR = 3;
/** The latest reports the averages are taken over (older ones have decayed to nothing). */
const HISTORY = 400;
/** The latest reports whose thread counts are shown: the most threads among them. */
const THREAD_REPORTS = 10;

export interface ProgressRates {
  /** Smoothed wall-clock seconds per batch, with what else shares the worker (null before two reports). */
  secondsPerBatch: number | null;
  /** Smoothed training tokens per second (null before the first report). */
  tokensPerSecond: number | null;
  /** Seconds to the end of the run's last epoch at the smoothed rate (the trainer's figure before two reports). */
  etaSeconds: number | null;
  /**
   * Threads the steps use: the most among the latest reports. A window whose last step ran on one
   * thread (a batch too small to split) does not make "· 2 threads" flicker.
   */
  threads: number;
}

/** One smoothed quantity: `sample` pulled into [estimate / factor, estimate × factor], weighted by batches. */
function smooth(estimate: number | null, sample: number, batches: number): number {
  if (estimate === null || !(estimate > 0)) return sample;
  const bounded = Math.min(estimate * OUTLIER_FACTOR, Math.max(estimate / OUTLIER_FACTOR, sample));
  const weight = 1 - (1 - BATCH_WEIGHT) ** batches;
  return estimate + weight * (bounded - estimate);
}

/** The smoothed speed and ETA of a run of `epochs` epochs, from its step reports in order. */
export function progressRates(steps: readonly StepEvent[], epochs: number): ProgressRates {
  const recent = steps.slice(-HISTORY);
  const last = recent.at(-1);
  if (!last) return { secondsPerBatch: null, tokensPerSecond: null, etaSeconds: null, threads: 1 };
  let secondsPerBatch: number | null = null;
  let tokensPerSecond: number | null = null;
  for (let i = 0; i < recent.length; i++) {
    const step = recent[i]!;
    const previous = recent[i - 1];
    // The batches of this report's window: since the previous report, or the batches into the
    // epoch for the first report kept (a resumed run starts a new clock: its window is its own).
    const batches = previous && step.step > previous.step ? step.step - previous.step : Math.max(1, step.batch);
    if (step.tokensPerSecond > 0 && Number.isFinite(step.tokensPerSecond)) tokensPerSecond = smooth(tokensPerSecond, step.tokensPerSecond, batches);
    if (!previous || step.step <= previous.step) continue;
    const seconds = step.elapsedSeconds - previous.elapsedSeconds;
    // A resume restarts the trainer's clock: no window to measure across it.
    if (!(seconds > 0)) continue;
    secondsPerBatch = smooth(secondsPerBatch, seconds / batches, batches);
  }
  const done = (last.epoch - 1) * last.batches + last.batch;
  const remaining = Math.max(0, epochs * last.batches - done);
  const etaSeconds = secondsPerBatch !== null ? secondsPerBatch * remaining : Number.isFinite(last.etaSeconds) ? last.etaSeconds : null;
  const threads = Math.max(1, ...recent.slice(-THREAD_REPORTS).map((s) => s.threads ?? 1));
  return { secondsPerBatch, tokensPerSecond, etaSeconds, threads };
}
