/** The workbench store's state: the runs folded from the worker's events, and one slice per concern. */
import type { CompareSlice } from './compareSlice.ts';
import type { DatasetSlice } from './datasetSlice.ts';
import type { InspectSlice } from './inspectSlice.ts';
import type { RunsState } from './runsSlice.ts';
import type { ShareSlice } from './shareSlice.ts';
import type { StorageSlice } from './storageSlice.ts';
import type { StudySlice } from './studySlice.ts';
import type { TestFileSlice } from './testFileSlice.ts';
import type { TrainingSlice } from './trainingSlice.ts';
import type { VectorsSlice } from './vectorsSlice.ts';
import type { WorkerSlice } from './workerSlice.ts';

export type WorkbenchState = RunsState &
  DatasetSlice &
  TrainingSlice &
  StorageSlice &
  ShareSlice &
  StudySlice &
  CompareSlice &
  VectorsSlice &
  TestFileSlice &
  InspectSlice &
  WorkerSlice;
