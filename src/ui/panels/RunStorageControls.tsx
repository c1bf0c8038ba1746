import { useState } from 'react';
import { formatBytes } from '../persistentStorage.ts';
import type { RunState } from '../store/runsSlice.ts';
import { useWorkbench } from '../store.ts';
import { ELSEWHERE_TITLE } from './elsewhere.ts';

/**
 * A run's notes (saved with it when the field loses focus), the space it takes in storage, and its
 * deletion, confirmed by a second click.
 */
export function RunStorageControls({ run }: { run: RunState }) {
  const setNotes = useWorkbench((s) => s.setNotes);
  const deleteRun = useWorkbench((s) => s.deleteRun);
  const size = useWorkbench((s) => s.storageUsage?.runs.find((r) => r.runId === run.info.runId));
  const [confirming, setConfirming] = useState(false);
  const runId = run.info.runId;
  return (
    <div className="run-storage">
      {size && (
        <p className="muted run-size" data-testid="run-storage-size" data-bytes={size.events + size.checkpoints}>
          stored: {formatBytes(size.events + size.checkpoints)} (checkpoints {formatBytes(size.checkpoints)}, events {formatBytes(size.events)})
          {size.dataset > 0 ? `; its data ${formatBytes(size.dataset)}` : ''}
          {size.bertFeatures > 0 ? `, BERT features ${formatBytes(size.bertFeatures)}` : ''}
          {size.dataset + size.bertFeatures > 0 ? ' (shared with runs on the same data)' : ''}
        </p>
      )}
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
