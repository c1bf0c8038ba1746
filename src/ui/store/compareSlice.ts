/** The comparison view's settings: curve smoothing and the baseline run. */
import { MAX_SMOOTHING } from '../smoothing.ts';
import type { StoreKit } from './kit.ts';

export interface CompareSlice {
  /**
   * Curve smoothing weight w ∈ [0, MAX_SMOOTHING] for the charts: a debiased EMA as TensorBoard's
   * (`emaSmooth` in smoothing.ts); 0 shows the raw values.
   */
  smoothing: number;
  setSmoothing(weight: number): void;
  /** The run the comparison table diffs configs against (null: the first run). */
  baselineRunId: string | null;
  setBaseline(runId: string | null): void;
}

export function createCompareSlice({ set }: StoreKit): CompareSlice {
  return {
    smoothing: 0,
    baselineRunId: null,

    setSmoothing(weight) {
      if (!Number.isFinite(weight)) return;
      set({ smoothing: Math.min(MAX_SMOOTHING, Math.max(0, weight)) });
    },

    setBaseline(runId) {
      set({ baselineRunId: runId });
    },
  };
}
