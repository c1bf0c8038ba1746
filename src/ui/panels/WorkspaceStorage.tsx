import { useEffect, useRef } from 'react';
import { formatBytes } from '../persistentStorage.ts';
import { useWorkbench } from '../store.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';

/**
 * The side panel's storage box (issue 18): whether the browser keeps the workspace until you delete
 * it or may evict it, the space it takes against the quota, and the workspace archive: everything
 * out in one .zip, or one merged in (runs already here skipped, nothing overwritten).
 */
export function WorkspaceStorage() {
  const persistence = useWorkbench((s) => s.persistence);
  const usage = useWorkbench((s) => s.storageUsage);
  const busy = useWorkbench((s) => s.workspaceBusy);
  const message = useWorkbench((s) => s.workspaceMessage);
  const refresh = useWorkbench((s) => s.refreshStorage);
  const exportWorkspace = useWorkbench((s) => s.exportWorkspace);
  const importWorkspace = useWorkbench((s) => s.importWorkspace);
  const dismiss = useWorkbench((s) => s.dismissWorkspaceMessage);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => void refresh(), [refresh]);

  const kept = persistence.persisted === true;
  const estimate = usage?.estimate ?? null;
  return (
    <div className="workspace-storage" data-testid="workspace-storage">
      <p className={kept ? 'muted' : 'notice'} data-testid="storage-persistence" data-persisted={String(persistence.persisted)} data-asked={String(persistence.asked)}>
        {kept
          ? 'Runs, models and datasets are kept in this browser until you delete them.'
          : `Runs, models and datasets are kept in this browser, but the browser may evict them under storage pressure${
              persistence.asked ? ' (it did not grant persistent storage)' : ''
            }: export the workspace to keep a copy.`}
      </p>
      {usage && (
        <p className="muted" data-testid="storage-total" data-total={usage.total} data-quota={estimate?.quota ?? ''}>
          {usage.runs.length} run{usage.runs.length === 1 ? '' : 's'} and {usage.datasets.length} dataset{usage.datasets.length === 1 ? '' : 's'} take {formatBytes(usage.total)}
          {usage.bertFeatures.length > 0 ? ` (BERT features ${formatBytes(usage.bertFeatures.reduce((n, f) => n + f.bytes, 0))})` : ''}
          {estimate ? `; the browser counts ${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}, ${formatBytes(Math.max(0, estimate.quota - estimate.usage))} free.` : '.'}
        </p>
      )}
      <span className="actions">
        <button type="button" className="secondary" data-testid="export-workspace" disabled={busy !== null} onClick={() => void exportWorkspace()} title="Every run with its events, notes and checkpoints, the datasets, test file, BERT features and study, as one .zip">
          Export workspace
        </button>
        <button type="button" className="secondary" data-testid="import-workspace" disabled={busy !== null} onClick={() => input.current?.click()} title="Merge a workspace .zip: runs already here are skipped, nothing is overwritten">
          Import workspace…
        </button>
        <HiddenFileInput ref={input} testId="workspace-file" accept=".zip,application/zip" onFile={(file) => void importWorkspace(file)} />
      </span>
      {busy && (
        <p className="muted" role="status" data-testid="workspace-busy">
          {busy}
        </p>
      )}
      {message && (
        <div className={message.kind === 'error' ? 'error-banner' : 'info-banner'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="workspace-message" data-kind={message.kind}>
          <p className={message.kind === 'error' ? 'error-message' : undefined}>{message.text}</p>
          <button type="button" onClick={dismiss} aria-label="Dismiss workspace message">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
