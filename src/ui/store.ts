/**
 * The workbench store: one zustand store built from slices (src/ui/store/), one per concern —
 * dataset, training, storage, shared configs, study, comparison, vectors, test file, inspection,
 * the worker link and the main pane's view. Components read the fields they need; the store is
 * their one way to the worker (through workerClient.ts). Browser tests read it as `window.__mtaa.store` (`?testhooks`).
 */
import { create } from 'zustand';
import { createBertSlice } from './store/bertSlice.ts';
import { createCompareSlice } from './store/compareSlice.ts';
import { createDatasetSlice } from './store/datasetSlice.ts';
import { createInspectSlice } from './store/inspectSlice.ts';
import { createKit } from './store/kit.ts';
import { emptyRuns } from './store/runsSlice.ts';
import { createShareSlice } from './store/shareSlice.ts';
import type { WorkbenchState } from './store/state.ts';
import { createStorageSlice } from './store/storageSlice.ts';
import { createStudySlice } from './store/studySlice.ts';
import { createTestFileSlice } from './store/testFileSlice.ts';
import { createTrainingSlice } from './store/trainingSlice.ts';
import { createVectorsSlice } from './store/vectorsSlice.ts';
import { createViewSlice } from './store/viewSlice.ts';
import { createWorkerSlice } from './store/workerSlice.ts';

export type { WorkbenchState } from './store/state.ts';

export const useWorkbench = create<WorkbenchState>()((set, get) => {
  const kit = createKit(set, get);
  return {
    ...emptyRuns,
    ...createDatasetSlice(kit),
    ...createTrainingSlice(kit),
    ...createStorageSlice(kit),
    ...createShareSlice(kit),
    ...createStudySlice(kit),
    ...createCompareSlice(kit),
    ...createVectorsSlice(kit),
    ...createBertSlice(kit),
    ...createTestFileSlice(kit),
    ...createInspectSlice(kit),
    ...createWorkerSlice(kit),
    ...createViewSlice(kit),
  };
});
