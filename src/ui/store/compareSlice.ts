/** The comparison view's settings: curve smoothing and the baseline run. */
import { MAX_SMOOTHING } from '../smoothing.ts';
import type { StoreKit } from './kit.ts';
import type { CompareSlice } from './state.ts';


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
