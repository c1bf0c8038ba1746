import { ChartText } from './ChartText.tsx';
import type { LegendRun, StyleKey } from './series.ts';

export interface RunLegendProps {
  runs: LegendRun[];
  /** Legend click: show or hide the run on every chart (the store's `setRunVisible`). */
  onToggleRun?: (runId: string, visible: boolean) => void;
}

/**
 * One entry per run in start order, coloured like its curves; clicking toggles its visibility.
 * Without `onToggleRun` (a study's configurations) the entries are plain labels, not disabled
 * buttons: a disabled button reads as greyed out, i.e. as a hidden run.
 */
export function RunLegend({ runs, onToggleRun }: RunLegendProps) {
  if (runs.length === 0) return null;
  return (
    <ul className="run-legend" aria-label="Runs">
      {runs.map((run) => (
        <li key={run.runId}>
          {onToggleRun ? (
            <button
              type="button"
              aria-pressed={run.visible}
              data-testid="legend-run"
              data-run-id={run.runId}
              title={`${run.visible ? 'Hide' : 'Show'} ${run.label} (${run.status})`}
              onClick={() => onToggleRun(run.runId, !run.visible)}
            >
              <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
              <ChartText text={run.label} inControl />
            </button>
          ) : (
            <span className="legend-label" data-testid="legend-run" data-run-id={run.runId}>
              <span className="swatch" style={{ background: run.color }} aria-hidden="true" />
              <ChartText text={run.label} />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The line styles of a chart with several curves per run (dash pattern → meaning). */
export function StyleKeyList({ keys }: { keys: StyleKey[] }) {
  if (keys.length < 2) return null;
  return (
    <div className="style-key" data-testid="style-key">
      {keys.map((key) => (
        <span key={key.label}>
          <svg width="24" height="6" aria-hidden="true">
            <line x1="0" y1="3" x2="24" y2="3" stroke="#4b5563" strokeWidth="2" strokeDasharray={key.dash || undefined} />
          </svg>
          <ChartText text={key.label} />
        </span>
      ))}
    </div>
  );
}
