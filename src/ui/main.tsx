import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { useWorkbench } from './store.ts';
import { testHooksEnabled } from './urlOptions.ts';
import { killTrainerWorkerForTest, trainerWorker } from './workerClient.ts';
import './styles.css';

// Browser tests drive the production build: `?testhooks` lets them read the store and call the worker.
if (testHooksEnabled()) {
  (window as unknown as { __mtaa: unknown }).__mtaa = { store: useWorkbench, worker: trainerWorker, killWorker: killTrainerWorkerForTest };
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
