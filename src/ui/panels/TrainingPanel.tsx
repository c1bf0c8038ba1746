import { useWorkbench } from '../store.ts';
import { BackendPicker } from './BackendPicker.tsx';
import { BertPanel } from './BertPanel.tsx';
import { ComparePanel } from './ComparePanel.tsx';
import { ConfigPanel } from './ConfigPanel.tsx';
import { RunControls } from './RunControls.tsx';
import { ImportModelButton } from './ImportModelButton.tsx';
import { RunList } from './RunList.tsx';
import { SharePanel } from './SharePanel.tsx';
import { StudyPanel } from './StudyPanel.tsx';
import { StorageErrorBanner } from './RunStorageControls.tsx';
import { VectorsPanel } from './VectorsPanel.tsx';
import './training.css';

/** The training page: backend, settings, controls and the runs with their progress. */
export function TrainingPanel() {
  return (
    <section className="panel training" data-testid="training-panel" aria-label="Training">
      <h2>Training</h2>
      <TrainingErrorBanner />
      <StorageErrorBanner />
      <div className="training-grid">
        <div className="training-settings">
          <BackendPicker />
          <ConfigPanel />
          <VectorsPanel />
          <BertPanel />
          <SharePanel />
          <ImportModelButton />
          <RunControls />
        </div>
        <RunList />
      </div>
      <ComparePanel />
      <StudyPanel />
    </section>
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
