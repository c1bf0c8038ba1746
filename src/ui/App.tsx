import { useEffect } from 'react';
import { useWorkbench } from './store.ts';
import { LoadErrorBanner } from './panels/LoadErrorBanner.tsx';
import { MainPane } from './panels/MainPane.tsx';
import { TrainingPanel } from './panels/TrainingPanel.tsx';
import { preferredBackend } from './urlOptions.ts';

/**
 * One screen: the side panel (data, Start and the selected run's progress, settings, runs) beside
 * the main pane (live curves, or the comparison, inspector, tag text, study or data view). Each
 * scrolls on its own, so Start, the progress and the curves stay in view together.
 */
export function App() {
  const openDataset = useWorkbench((s) => s.openDataset);
  const initTraining = useWorkbench((s) => s.initTraining);
  useEffect(() => {
    void openDataset();
    void initTraining(preferredBackend());
  }, [openDataset, initTraining]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>MTAA Workbench</h1>
        <p className="tagline">
          Multi-task sequence labelling with adversarial shared encoders and fusion attention — trained in your
          browser; your data never leaves this machine.
        </p>
      </header>
      <LoadErrorBanner />
      <div className="workbench">
        <TrainingPanel />
        <MainPane />
      </div>
    </div>
  );
}
