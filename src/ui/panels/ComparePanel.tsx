import { useMemo } from 'react';
import { compareRuns, scoreColumns } from '../compare.ts';
import { MAX_SMOOTHING } from '../smoothing.ts';
import { useWorkbench } from '../store.ts';

const fmt = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/**
 * The runs side by side: the data each trained on, its settings in a few words and against a
 * chosen baseline, best dev scores (a mean per metric kind: F1 and accuracy are not averaged
 * together), duration and backend; a tick chooses which runs the charts overlay; the slider sets the
 * curves' smoothing. The table scrolls inside its pane when it is wider.
 */
export function ComparePanel() {
  const runs = useWorkbench((s) => s.runs);
  const order = useWorkbench((s) => s.order);
  const chosenBaseline = useWorkbench((s) => s.baselineRunId);
  const setBaseline = useWorkbench((s) => s.setBaseline);
  const setRunVisible = useWorkbench((s) => s.setRunVisible);
  const smoothing = useWorkbench((s) => s.smoothing);
  const setSmoothing = useWorkbench((s) => s.setSmoothing);
  const baseline = chosenBaseline && runs[chosenBaseline] ? chosenBaseline : (order[0] ?? null);
  const rows = useMemo(() => compareRuns(runs, order, baseline), [runs, order, baseline]);
  const columns = useMemo(() => scoreColumns(rows), [rows]);

  return (
    <section className="panel compare" data-testid="compare-panel" aria-label="Run comparison">
      <h2>Compare runs</h2>
      <label className="smoothing">
        Curve smoothing{' '}
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
      {rows.length === 0 ? (
        <p className="muted">No runs to compare yet.</p>
      ) : (
        <div className="table-scroll" data-testid="compare-scroll">
          <table className="study-table compare-table" data-testid="compare-table">
            <thead>
              <tr>
                <th title="Overlay in the charts">show</th>
                <th>baseline</th>
                <th>run</th>
                <th>data</th>
                <th>status</th>
                <th>backend</th>
                <th>time (s)</th>
                <th>best epoch</th>
                {columns.tasks.map((t) => (
                  <th key={t.task} data-testid="compare-task" data-metric={t.metric}>
                    {t.task} {t.metric === 'f1' ? 'F1' : 'acc'}
                  </th>
                ))}
                {columns.meanF1 && <th title="Mean of the chunk F1 scores">mean F1</th>}
                {columns.meanAccuracy && <th title="Mean of the token accuracies">mean acc</th>}
                <th>settings</th>
                <th>vs baseline</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.runId} data-testid="compare-row" data-run-id={row.runId}>
                  <td>
                    <input type="checkbox" data-testid="compare-show" checked={row.visible} aria-label={`Overlay ${row.label}`} onChange={(e) => setRunVisible(row.runId, e.target.checked)} />
                  </td>
                  <td>
                    <input type="radio" name="baseline" data-testid="compare-baseline" checked={row.runId === baseline} aria-label={`Use ${row.label} as the baseline`} onChange={() => setBaseline(row.runId)} />
                  </td>
                  <th scope="row">{row.label}</th>
                  <td className="diff" data-testid="compare-data">
                    {row.data}
                  </td>
                  <td>{row.status}</td>
                  <td>{row.backend}</td>
                  <td>{fmt(row.seconds, 1)}</td>
                  <td>{row.bestEpoch ?? '–'}</td>
                  {columns.tasks.map((t) => (
                    <td key={t.task}>{fmt(row.scores.find((s) => s.task === t.task)?.value ?? null)}</td>
                  ))}
                  {columns.meanF1 && <td data-testid="compare-mean-f1">{fmt(row.means.f1)}</td>}
                  {columns.meanAccuracy && <td data-testid="compare-mean-accuracy">{fmt(row.means.accuracy)}</td>}
                  <td className="diff" data-testid="compare-settings">
                    {row.settings}
                  </td>
                  <td className="diff" data-testid="compare-diff">
                    {row.difference ?? 'baseline'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
