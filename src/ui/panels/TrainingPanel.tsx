import { useWorkbench } from '../store.ts';
import { BackendPicker } from './BackendPicker.tsx';
import { BertPanel } from './BertPanel.tsx';
import { ConfigPanel } from './ConfigPanel.tsx';
import { DatasetSummary } from './DatasetPanel.tsx';
import { DropZone } from './DropZone.tsx';
import { ImportModelButton } from './ImportModelButton.tsx';
import { RunControls } from './RunControls.tsx';
import { RunList } from './RunList.tsx';
import { SharePanel } from './SharePanel.tsx';
import { StorageErrorBanner } from './RunStorageControls.tsx';
import { VectorsPanel } from './VectorsPanel.tsx';
import { WorkspaceStorage } from './WorkspaceStorage.tsx';
import './training.css';

/**
 * The side panel: the data, then Start with the selected run's controls and progress (held at the
 * top while the panel scrolls), the settings of the next run (or live switches of the selected
 * one), the runs, and the less used tools (vectors, shared configs, model import).
 */
export function TrainingPanel() {
  return (
    <aside className="side-panel training" data-testid="training-panel" aria-label="Data, runs and settings">
      <section className="panel">
        <DropZone />
        <DatasetSummary />
      </section>
      <section className="panel run-controls-panel" aria-label="Run controls">
        <TrainingErrorBanner />
        <StorageErrorBanner />
        <RunControls />
      </section>
      <section className="panel" aria-label="Settings">
        <h2>Settings</h2>
        <BackendPicker />
        <ConfigPanel />
      </section>
      <section className="panel" aria-label="Runs">
        <h2>Runs</h2>
        <RunList />
      </section>
      <section className="panel" aria-label="Storage">
        <h2>Storage and workspace</h2>
        <WorkspaceStorage />
      </section>
      <section className="panel" aria-label="Tools">
        <h2>Vectors, shared settings, models</h2>
        <VectorsPanel />
        <BertPanel />
        <SharePanel />
        <ImportModelButton />
      </section>
    </aside>
  );
}

function TrainingErrorBanner() {
  const error = useWorkbench((s) => s.trainingError);
  const dismiss = useWorkbench((s) => s.dismissTrainingError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="training-error">
      <p className="error-message">{error}</p>
      <button type="button" onClick={dismiss} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
}
