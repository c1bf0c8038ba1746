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
  const loadSample = useWorkbench((s) => s.loadSample);
  const initTraining = useWorkbench((s) => s.initTraining);
  useEffect(() => {
    void loadSample();
    void initTraining(preferredBackend());
  }, [loadSample, initTraining]);

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
