import { useMemo } from 'react';
import { compareRuns, describeChange } from '../compare.ts';
import { MAX_SMOOTHING } from '../smoothing.ts';
import { useWorkbench } from '../store.ts';

const fmt = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/**
 * The runs side by side: config differences against a chosen baseline, best dev scores, duration
 * and backend; a tick chooses which runs the charts overlay; the slider sets the curves' smoothing.
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
  const tasks = useMemo(() => [...new Set(rows.flatMap((r) => r.scores.map((s) => s.task)))], [rows]);

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
      {rows.length === 0 ? (
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
            {rows.map((row) => (
              <tr key={row.runId} data-testid="compare-row" data-run-id={row.runId}>
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
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
