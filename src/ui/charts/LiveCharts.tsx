import { memo, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { runsNamedByData } from '../namedRuns.ts';
import type { RunsState } from '../store/runsSlice.ts';
import { useWorkbench } from '../store.ts';
import { ChartsPanel } from './ChartsPanel.tsx';

/** Charts redraw at most this often while runs stream events (a full redraw costs tens of ms). */
const REDRAW_MS = 1000;

/**
 * The store's runs, sampled at most once per `REDRAW_MS` (trailing edge, so the last event is always
 * drawn) and handed to React as a deferred value, so chart rendering is interruptible and the main
 * thread never holds a long task while a run trains.
 */
function useSampledRuns(): Pick<RunsState, 'runs' | 'order'> {
  const [sample, setSample] = useState(() => {
    const { runs, order } = useWorkbench.getState();
    return { runs, order };
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const take = () => {
      timer = null;
      last = performance.now();
      const { runs, order } = useWorkbench.getState();
      setSample({ runs, order });
    };
    const unsubscribe = useWorkbench.subscribe((state, previous) => {
      if (state.runs === previous.runs && state.order === previous.order) return;
      if (timer !== null) return;
      timer = setTimeout(take, Math.max(0, REDRAW_MS - (performance.now() - last)));
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, []);
  return useDeferredValue(sample);
}

/**
 * The live charts connected to the store: every run's curves, legend clicks toggle visibility.
 * Memoised (it has no props): a re-render of the view around it (a new run changes its dataset
 * line) must not re-render every chart in that synchronous store update; the charts follow the
 * store through their own sampled, deferred copy of the runs.
 */
export const LiveCharts = memo(function LiveCharts() {
  const sampled = useSampledRuns();
  const { order } = sampled;
  // Legends name each run's data when the runs trained on different data.
  const runs = useMemo(() => runsNamedByData(sampled.runs, order), [sampled.runs, order]);
  const setRunVisible = useWorkbench((s) => s.setRunVisible);
  const smoothing = useWorkbench((s) => s.smoothing);
  return <ChartsPanel runs={runs} order={order} onToggleRun={setRunVisible} smoothing={smoothing} />;
});
