import { datasetLabel } from '../../core/runNames.ts';
import type { RunInfo } from '../../protocol.ts';

/** A run as a picker lists it: its name, and the data it trained on when known. */
export type PickableRun = Pick<RunInfo, 'runId' | 'label'> & Partial<Pick<RunInfo, 'datasetName' | 'datasetSentences' | 'datasetHash'>>;

/**
 * A labelled choice of run by its name and data (runs of different datasets look alike by name
 * alone); "no run yet" while there is none.
 */
export function RunSelect({
  label,
  ariaLabel,
  testId,
  runs,
  value,
  onChange,
}: {
  label: string;
  ariaLabel: string;
  testId: string;
  runs: readonly PickableRun[];
  value: string | null;
  onChange: (runId: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select aria-label={ariaLabel} data-testid={testId} value={value ?? ''} disabled={runs.length === 0} onChange={(e) => onChange(e.target.value)}>
        {runs.length === 0 && <option value="">no run yet</option>}
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {r.datasetName !== undefined ? `${r.label} — ${datasetLabel({ ...r, datasetName: r.datasetName })}` : r.label}
          </option>
        ))}
      </select>
    </label>
  );
}
