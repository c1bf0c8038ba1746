import { useRef, useState } from 'react';
import { useWorkbench } from '../store.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';

/**
 * Sharing the settings: a link carrying the config (and the dataset's name and hash), a JSON file
 * to save and open, and what became of the last one opened (an error names the field at fault).
 */
export function SharePanel() {
  const dataset = useWorkbench((s) => s.dataset);
  const sharedDataset = useWorkbench((s) => s.sharedDataset);
  const message = useWorkbench((s) => s.shareMessage);
  const shareLink = useWorkbench((s) => s.shareLink);
  const downloadConfig = useWorkbench((s) => s.downloadConfig);
  const openConfigFile = useWorkbench((s) => s.openConfigFile);
  const dismiss = useWorkbench((s) => s.dismissShareMessage);
  const [link, setLink] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const makeLink = () => {
    const url = shareLink();
    setLink(url);
    if (url) void navigator.clipboard?.writeText(url).catch(() => undefined);
  };
  const sameData = sharedDataset && dataset ? (sharedDataset.hash && dataset.hash ? sharedDataset.hash === dataset.hash : sharedDataset.name === dataset.name) : null;

  return (
    <div className="share-panel" data-testid="share-panel">
      <div className="actions">
        <button type="button" className="secondary" data-testid="share-link" onClick={makeLink} title="A link that opens the workbench with these settings">
          Copy link to these settings
        </button>
        <button type="button" className="secondary" data-testid="config-save" onClick={downloadConfig}>
          Save settings (.json)
        </button>
        <button type="button" className="secondary" data-testid="config-open" onClick={() => fileInput.current?.click()}>
          Open settings…
        </button>
        <HiddenFileInput ref={fileInput} testId="config-file" accept=".json,application/json" onFile={(file) => void openConfigFile(file)} />
      </div>
      {link && <input className="share-url" data-testid="share-url" readOnly value={link} aria-label="Link to these settings" onFocus={(e) => e.target.select()} />}
      {message && (
        <p className={message.kind === 'error' ? 'run-message error' : 'run-message muted'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="share-message" data-kind={message.kind}>
          {message.text}{' '}
          <button type="button" className="link" onClick={dismiss} aria-label="Dismiss">
            ×
          </button>
        </p>
      )}
      {sharedDataset && (
        <p className="muted" data-testid="share-dataset" data-same={sameData === null ? '' : String(sameData)}>
          Shared for <strong>{sharedDataset.name}</strong>
          {sharedDataset.hash ? ` (sha256 ${sharedDataset.hash.slice(0, 12)}…)` : ''}
          {sameData === true && ' — the loaded dataset is the same file.'}
          {sameData === false && ` — the loaded dataset (${dataset?.name}) is different: drop ${sharedDataset.name} to train on the same data.`}
        </p>
      )}
    </div>
  );
}
