import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import type { SavedRun } from '../protocol.ts';
import { runsOf } from './store/kit.ts';
import { restoreRuns } from './store/runsSlice.ts';
import { useWorkbench } from './store.ts';
import { testHooksEnabled } from './urlOptions.ts';
import { killTrainerWorkerForTest, trainerWorker } from './workerClient.ts';
import './styles.css';

// Browser tests drive the production build: `?testhooks` lets them read the store and call the worker,
// and put made-up finished runs on the page (`seedRuns`, folded as runs restored after a reload) for
// journeys that need many runs without training them (e2e/seedRuns.ts).
if (testHooksEnabled()) {
  const seedRuns = (saved: SavedRun[]) => useWorkbench.setState((state) => restoreRuns(runsOf(state), saved));
  (window as unknown as { __mtaa: unknown }).__mtaa = { store: useWorkbench, worker: trainerWorker, killWorker: killTrainerWorkerForTest, seedRuns };
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
