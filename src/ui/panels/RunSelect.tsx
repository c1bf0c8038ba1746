/** A labelled choice of run by its label ("no run yet" while there is none). */
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
  runs: readonly { runId: string; label: string }[];
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
            {r.label}
          </option>
        ))}
      </select>
    </label>
  );
}
