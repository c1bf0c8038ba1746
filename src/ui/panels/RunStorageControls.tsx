import { useState } from 'react';
import type { RunState } from '../store/runsSlice.ts';
import { useWorkbench } from '../store.ts';
import { ELSEWHERE_TITLE } from './elsewhere.ts';

/** A run's notes (saved with it when the field loses focus) and its deletion, confirmed by a second click. */
export function RunStorageControls({ run }: { run: RunState }) {
  const setNotes = useWorkbench((s) => s.setNotes);
  const deleteRun = useWorkbench((s) => s.deleteRun);
  const [confirming, setConfirming] = useState(false);
  const runId = run.info.runId;
  return (
    <div className="run-storage">
      <textarea
        data-testid="run-notes"
        aria-label={`Notes on ${run.info.label}`}
        placeholder="Notes (kept with the run)"
        rows={1}
        defaultValue={run.notes ?? ''}
        onBlur={(e) => {
          if (e.target.value !== (run.notes ?? '')) void setNotes(runId, e.target.value);
        }}
      />
      {confirming ? (
        <span className="actions">
          <button type="button" className="danger" data-testid="run-delete-confirm" onClick={() => void deleteRun(runId)}>
            Delete {run.info.label} and its model
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="secondary"
          data-testid="run-delete"
          disabled={run.elsewhere === true}
          onClick={() => setConfirming(true)}
          title={run.elsewhere ? ELSEWHERE_TITLE : 'Delete this run, its events and its checkpoints'}
        >
          Delete
        </button>
      )}
    </div>
  );
}

/** Storage failures (a full quota, no IndexedDB): said plainly, until dismissed or saving works again. */
export function StorageErrorBanner() {
  const error = useWorkbench((s) => s.storageError);
  const dismiss = useWorkbench((s) => s.dismissStorageError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="storage-error">
      <p className="error-message">{error}</p>
      <button type="button" onClick={dismiss} aria-label="Dismiss storage error">
        ×
      </button>
    </div>
  );
}
