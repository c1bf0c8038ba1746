import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { compareRuns, describeChange } from '../compare.ts';
import { MAX_SMOOTHING } from '../smoothing.ts';
import type { RunState } from '../store/runsSlice.ts';
import { bestEpochOf } from '../study.ts';
import type { WorkbenchState } from '../store.ts';
import { useWorkbench } from '../store.ts';

const fmt = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** The tasks of a run's best epoch, memoised on its epochs array (the selector below runs on every store update). */
const bestTasksCache = new WeakMap<RunState['epochs'], string[]>();
function bestTasks(run: RunState): string[] {
  let tasks = bestTasksCache.get(run.epochs);
  if (!tasks) bestTasksCache.set(run.epochs, (tasks = (bestEpochOf(run)?.dev ?? []).map((s) => s.task)));
  return tasks;
}

/** The table's task columns: every task of a run's best epoch, first-seen order. */
function compareTasks(state: Pick<WorkbenchState, 'runs' | 'order'>): string[] {
  return [...new Set(state.order.flatMap((id) => (state.runs[id] ? bestTasks(state.runs[id]) : [])))];
}

/** The baseline: the chosen run while it exists, else the first. */
function baselineOf(state: Pick<WorkbenchState, 'runs' | 'order' | 'baselineRunId'>): string | null {
  return state.baselineRunId && state.runs[state.baselineRunId] ? state.baselineRunId : (state.order[0] ?? null);
}

/**
 * The runs side by side: config differences against a chosen baseline, best dev scores, duration
 * and backend; a tick chooses which runs the charts overlay; the slider sets the curves' smoothing.
 * The panel itself reads only the run order, the baseline and the task columns; each row reads its
 * own run, so a training run's reports re-render its row, not the table (issue 15: ten runs).
 */
export function ComparePanel() {
  const order = useWorkbench((s) => s.order);
  const baseline = useWorkbench(baselineOf);
  const smoothing = useWorkbench((s) => s.smoothing);
  const setSmoothing = useWorkbench((s) => s.setSmoothing);
  const tasks = useWorkbench(useShallow(compareTasks));

  return (
    <section className="compare" data-testid="compare-panel" aria-label="Run comparison">
      <h3>Compare runs</h3>
      <label className="smoothing">
        Smoothing{' '}
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.001}
          value={smoothing}
          data-testid="smoothing"
          aria-label="Curve smoothing (debiased EMA weight)"
          onChange={(e) => setSmoothing(Number(e.target.value))}
        />{' '}
        <output data-testid="smoothing-value">{smoothing.toFixed(3)}</output>
      </label>
      {order.length === 0 ? (
        <p className="muted">No runs to compare yet.</p>
      ) : (
        <table className="study-table compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th title="Overlay in the charts">show</th>
              <th>baseline</th>
              <th>run</th>
              <th>status</th>
              <th>backend</th>
              <th>time (s)</th>
              <th>best epoch</th>
              {tasks.map((t) => (
                <th key={t}>{t}</th>
              ))}
              <th>mean</th>
              <th>config vs baseline</th>
            </tr>
          </thead>
          <tbody>
            {order.map((runId) => (
              <CompareRow key={runId} runId={runId} baseline={baseline} tasks={tasks} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One run's row: re-rendered when this run (or the baseline's config) changes. */
const CompareRow = memo(function CompareRow({ runId, baseline, tasks }: { runId: string; baseline: string | null; tasks: string[] }) {
  const run = useWorkbench((s) => s.runs[runId]);
  const baselineRun = useWorkbench((s) => (baseline ? s.runs[baseline] : undefined));
  const setBaseline = useWorkbench((s) => s.setBaseline);
  const setRunVisible = useWorkbench((s) => s.setRunVisible);
  const baselineConfig = baselineRun?.info.config;
  const row = useMemo(() => {
    if (!run) return undefined;
    // The baseline enters by its config alone: its own reports do not re-render the other rows.
    const runs: Record<string, RunState> = { [runId]: run };
    if (baseline && baseline !== runId && baselineConfig) runs[baseline] = { ...run, info: { ...run.info, runId: baseline, config: baselineConfig } };
    return compareRuns(runs, [runId], baseline)[0];
  }, [run, runId, baseline, baselineConfig]);
  if (!row) return null;
  return (
    <tr data-testid="compare-row" data-run-id={row.runId}>
      <td>
        <input type="checkbox" data-testid="compare-show" checked={row.visible} aria-label={`Overlay ${row.label}`} onChange={(e) => setRunVisible(row.runId, e.target.checked)} />
      </td>
      <td>
        <input type="radio" name="baseline" data-testid="compare-baseline" checked={row.runId === baseline} aria-label={`Use ${row.label} as the baseline`} onChange={() => setBaseline(row.runId)} />
      </td>
      <th scope="row">{row.label}</th>
      <td>{row.status}</td>
      <td>{row.backend}</td>
      <td>{fmt(row.seconds, 1)}</td>
      <td>{row.bestEpoch ?? '–'}</td>
      {tasks.map((t) => (
        <td key={t}>{fmt(row.scores.find((s) => s.task === t)?.value ?? null)}</td>
      ))}
      <td>{fmt(row.devScore)}</td>
      <td className="diff" data-testid="compare-diff">
        {row.runId === baseline ? 'baseline' : row.diff.length === 0 ? 'same config' : row.diff.map(describeChange).join('; ')}
      </td>
    </tr>
  );
});
