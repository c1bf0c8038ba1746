import { useWorkbench } from '../store.ts';

/** The last rejected file, said plainly; what was loaded before stays loaded. */
export function LoadErrorBanner() {
  const error = useWorkbench((s) => s.loadError);
  const dataset = useWorkbench((s) => s.dataset);
  const dismiss = useWorkbench((s) => s.dismissError);
  if (!error) return null;
  // The dataset kept from the last visit did not come back (settleOpened): the message says why.
  const notKept = error.kind === 'not-kept';
  return (
    <div className="error-banner" role="alert" data-testid="load-error" data-kind={error.kind}>
      <div>
        <strong>{notKept ? 'The dataset of your last visit did not come back' : `Could not load ${error.file}`}</strong>
        {error.line !== undefined && <span className="error-line"> (line {error.line})</span>}
        <p className="error-message">{error.message}</p>
        {dataset && !notKept && (
          <p className="error-kept">
            Nothing was changed: <em>{dataset.name}</em> is still loaded.
          </p>
        )}
      </div>
      <button type="button" onClick={dismiss} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}
