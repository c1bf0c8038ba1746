import { useEffect } from 'react';
import { useWorkbench } from './store.ts';
import { DropZone } from './panels/DropZone.tsx';
import { DatasetPanel } from './panels/DatasetPanel.tsx';
import { LoadErrorBanner } from './panels/LoadErrorBanner.tsx';
import { TrainingPanel } from './panels/TrainingPanel.tsx';
import { InspectorSection } from './panels/InspectorSection.tsx';
import { LiveCharts } from './charts/LiveCharts.tsx';
import { preferredBackend } from './urlOptions.ts';

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
      <main>
        <LoadErrorBanner />
        <DropZone />
        <DatasetPanel />
        <TrainingPanel />
        <LiveCharts />
        <InspectorSection />
      </main>
    </div>
  );
}
