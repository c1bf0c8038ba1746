import { useEffect } from 'react';
import { useWorkbench } from './store.ts';
import { DropZone } from './panels/DropZone.tsx';
import { DatasetPanel } from './panels/DatasetPanel.tsx';
import { LoadErrorBanner } from './panels/LoadErrorBanner.tsx';

export function App() {
  const loadSample = useWorkbench((s) => s.loadSample);
  useEffect(() => {
    void loadSample();
  }, [loadSample]);

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
      </main>
    </div>
  );
}
