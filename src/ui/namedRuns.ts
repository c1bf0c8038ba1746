/**
 * The runs as the charts name them (legends, tooltips): with their data when the runs trained on
 * different data, so a UPOS curve of one file is not read as a POS curve of another. Pure, over the
 * runs slice; the charts' connector memoises it.
 */
import { legendNames } from '../core/runNames.ts';
import type { RunsState } from './store/runsSlice.ts';

/**
 * `runs` with each label naming the run's data where the runs' data differ; the same object when
 * they share one dataset. A renamed run is a shallow copy: its step and epoch arrays, which the
 * series caches are keyed on, stay the same.
 */
export function runsNamedByData(runs: RunsState['runs'], order: readonly string[]): RunsState['runs'] {
  const { names, shared } = legendNames(order.flatMap((id) => (runs[id] ? [runs[id].info] : [])));
  if (shared !== null || order.length === 0) return runs;
  return Object.fromEntries(
    Object.entries(runs).map(([id, run]) => [id, names[id] !== undefined && names[id] !== run.info.label ? { ...run, info: { ...run.info, label: names[id] } } : run]),
  );
}
