/**
 * The shape of the workbench store, one interface per concern: the runs folded from the worker's
 * events, and a slice each for the dataset, training, storage, shared configs, the study, the
 * comparison view, word vectors, the test file, questions to a model, the worker link and the
 * main pane's view. Each
 * slice is made in its own file (`createXSlice`); this file only says what the store holds.
 */
import type { PresetName } from '../../core/config.ts';
import type {
  Backend,
  BertEmbeddingConfig,
  BertInfo,
  ColumnOverride,
  DataErrorInfo,
  DatasetSummary,
  LiveChange,
  RunConfig,
  StorageUsage,
  TestFileSummary,
  TrainerApi,
  VectorsInfo,
} from '../../protocol.ts';
import type { SharedConfig } from '../shareConfig.ts';
import type { Study } from '../study.ts';
import type { RunsState } from './runsSlice.ts';
import type { MainView } from './viewSlice.ts';

export interface DatasetSlice {
  dataset: DatasetSummary | null;
  /** Set while a file is being read or parsed: the name being loaded. */
  loading: string | null;
  /** The last rejected file's message; the dataset above is untouched by it. */
  loadError: DataErrorInfo | null;
  /**
   * Opens the page's dataset: the one kept from the last visit (with its added files, column
   * choices and test file), else the sample; a kept one that is gone is said in `loadError`.
   */
  openDataset(): Promise<void>;
  loadSample(): Promise<void>;
  loadFile(file: File): Promise<void>;
  /**
   * Adds a file to the training data (partial labels): tasks merged by name with the loaded ones;
   * a rejected file changes nothing.
   */
  addFile(file: File): Promise<void>;
  applyOverrides(overrides: ColumnOverride[]): Promise<void>;
  dismissError(): void;
}

export interface TrainingSlice {
  /** The preset the draft started from (src/core's presets). */
  preset: PresetName;
  /** The settings of the next run started with "Start". */
  draft: RunConfig;
  /** The run the controls and live switches act on. */
  selectedRunId: string | null;
  /** The last failed training action (start, resume, export…), said plainly. */
  trainingError: string | null;
  /**
   * Live settings sent to a run but not yet confirmed by its `live-change` event, by run id: the
   * switches show them at once instead of flicking back for a round trip.
   */
  pendingLive: Record<string, LiveChange['settings']>;
  choosePreset(name: PresetName): void;
  setDraft(config: RunConfig): void;
  /** Starts a run with the draft settings. */
  startRun(): Promise<void>;
  /** Starts a sibling of `parentId` (same data and seed) with a shape-changing switch applied. */
  startSibling(parentId: string, config: RunConfig, label: string): Promise<void>;
  pauseRun(runId: string): Promise<void>;
  resumeRun(runId: string): Promise<void>;
  stopRun(runId: string): Promise<void>;
  stepRun(runId: string): Promise<void>;
  /**
   * Changes a running run's live settings from its next batch: one call to the worker, whose
   * `live-change` event (posted before the answer) is the record the run card and charts show.
   */
  updateLive(runId: string, settings: LiveChange['settings']): Promise<void>;
  setBackend(name: Backend): Promise<void>;
  selectRun(runId: string | null): void;
  setRunVisible(runId: string, visible: boolean): void;
  /** Downloads the run's best model as a zip. */
  exportModel(runId: string): Promise<void>;
  exportMetrics(runId: string, format: 'csv' | 'json'): void;
  dismissTrainingError(): void;
  /** Reads a model archive as a new run (to tag text, inspect, export); a bad one is refused plainly. */
  importModel(file: File): Promise<void>;
  /**
   * Continues training `sourceId` (an imported model) as a new run on the loaded dataset: the
   * model's own settings (they fix the weights' shapes) with the draft's training settings.
   */
  continueRun(sourceId: string): Promise<void>;
}

export interface StorageSlice {
  /** The last storage failure (quota, no IndexedDB), until a write succeeds again or it is dismissed. */
  storageError: string | null;
  /** Whether the runs kept from earlier visits have been read back. */
  restored: boolean;
  /** Deletes a run (stopping it first) from the page and from storage. */
  deleteRun(runId: string): Promise<void>;
  setNotes(runId: string, notes: string): Promise<void>;
  /** Renames a run (unique among the runs, kept with it in storage); a refused name goes to the banner. */
  renameRun(runId: string, label: string): Promise<void>;
  dismissStorageError(): void;
  /**
   * Persistent storage: `persisted` as the browser says (null: it cannot say), and whether the page
   * has asked for it (once, when the first run or dataset is saved).
   */
  persistence: { persisted: boolean | null; asked: boolean };
  /** Space per run and in total against the quota (null until first read). */
  storageUsage: StorageUsage | null;
  /** Reads the space report and the persistence state again (after runs change, not polled). */
  refreshStorage(): Promise<void>;
  /** Asks the browser for persistent storage, once per page (later calls do nothing). */
  requestPersistence(): Promise<void>;
  /** The outcome of the last workspace export or import (a refusal names archive, entry and problem). */
  workspaceMessage: { kind: 'info' | 'error'; text: string } | null;
  /** Set while a workspace is being exported or imported: what is being done. */
  workspaceBusy: string | null;
  /** Downloads everything kept as one workspace archive. */
  exportWorkspace(): Promise<void>;
  /** Merges a workspace archive: new runs appear, runs already here are skipped, nothing is overwritten. */
  importWorkspace(file: File): Promise<void>;
  dismissWorkspaceMessage(): void;
}

export interface ShareSlice {
  /** The outcome of the last shared config opened: applied (info) or refused (error, naming the field). */
  shareMessage: { kind: 'info' | 'error'; text: string } | null;
  /** The dataset a shared config was made for (compared with the loaded one on the page). */
  sharedDataset: SharedConfig['dataset'] | null;
  /** Checks a shared config (envelope already read) and makes it the draft; false when refused. */
  applySharedConfig(shared: { config: unknown; dataset?: SharedConfig['dataset'] }, source: string): boolean;
  /** Reads a config JSON file (as saved by `downloadConfig`). */
  openConfigFile(file: File): Promise<void>;
  /** Saves the draft config (and the loaded dataset's name and hash) as a JSON file. */
  downloadConfig(): void;
  /** The page's URL carrying the draft config. */
  shareLink(): string | null;
  dismissShareMessage(): void;
}

export interface StudySlice {
  study: Study | null;
  /** Another tab of this browser runs the study's queue: shown here, never started or changed here. */
  studyElsewhere: boolean;
  /** Starts a study of these ablations × seeds on the draft settings and the loaded dataset. */
  startStudy(configNames: string[], seeds: number[]): Promise<void>;
  moveStudyItem(id: string, delta: -1 | 1): void;
  cancelStudyItem(id: string): void;
  /** Cancels every queued item (the running run is left to the run controls). */
  cancelStudy(): void;
  clearStudy(): void;
  /**
   * Clears the study; with `withRuns`, first deletes each of its runs (records, checkpoints, models)
   * as `deleteRun` does. Refused while the study runs.
   */
  deleteStudy(withRuns: boolean): Promise<void>;
  exportStudyCsv(): void;
  /**
   * Opens a study archive (`mtaa study collect`'s study-archive.zip): its runs, curves and table
   * appear as if run here; it replaces a finished study (never a running one). A refused archive
   * changes nothing and says why in `studyArchiveError`.
   */
  openStudyArchive(file: File): Promise<void>;
  studyArchiveError: string | null;
}

export interface CompareSlice {
  /**
   * Curve smoothing weight w ∈ [0, MAX_SMOOTHING] for the charts: a debiased EMA as TensorBoard's
   * (`emaSmooth` in smoothing.ts); 0 shows the raw values.
   */
  smoothing: number;
  setSmoothing(weight: number): void;
  /** The run the comparison table diffs configs against (null: the first run). */
  baselineRunId: string | null;
  setBaseline(runId: string | null): void;
}

export interface VectorsSlice {
  vectors: VectorsInfo | null;
  /** The vectors file being read and the share read so far (from the worker's progress events). */
  vectorsLoading: { fileName: string; fraction: number } | null;
  /** The last vectors file refused (file, line, problem); loaded vectors stay. */
  vectorsError: string | null;
  /** Whether new runs start their word table from the loaded vectors. */
  useVectors: boolean;
  loadVectors(file: File): Promise<void>;
  clearVectors(): Promise<void>;
  setUseVectors(use: boolean): void;
  dismissVectorsError(): void;
}

export interface BertSlice {
  /** The checkpoint loaded in the worker, with the loaded dataset's features once ready. */
  bert: BertInfo | null;
  /** The checkpoint being read and validated: its name. */
  bertLoading: string | null;
  /** Features being computed (from the worker's `bert-progress` events); null when idle. */
  bertProgress: { sentencesDone: number; sentences: number; etaSeconds: number | null } | null;
  /** `bert-progress` events seen since the page opened: none when features came from IndexedDB. */
  bertProgressEvents: number;
  /** The last refusal (file and tensor named); the checkpoint loaded before stays. */
  bertError: string | null;
  /** Runs whose Resume was refused for want of their BERT checkpoint (its features gone from storage): resumed once it is dropped. */
  bertAwaitingResume: string[];
  /** Reads a dropped folder's files or one zip; then turns BERT on in the draft and computes the dataset's features. */
  loadBert(name: string, files: { path: string; file: File }[]): Promise<void>;
  /** The loaded dataset's features with the draft's layer and pooling (from IndexedDB when computed before). */
  computeBertFeatures(): Promise<void>;
  /** Puts `model.embedding.bert` in the draft (with the checkpoint's width) or takes it out. */
  setUseBert(use: boolean): void;
  setBertSettings(patch: Partial<Pick<BertEmbeddingConfig, 'mode' | 'layer' | 'mixLastFour' | 'pooling'>>): void;
  clearBert(): Promise<void>;
  dismissBertError(): void;
}

export interface TestFileSlice {
  /** Runs started while it is loaded are scored on it when they end (their `test` scores). */
  testFile: TestFileSummary | null;
  /** Why the test file went away without the user removing it (the training data changed). */
  testFileNotice: string | null;
  /** Reads a test file; a bad one goes to the load error banner and the previous test file stays. */
  loadTestFile(file: File): Promise<void>;
  clearTestFile(): Promise<void>;
}

export type InspectSlice = Pick<TrainerApi, 'devSentences' | 'inspectSentence' | 'tagText'> & {
  /** A dev sentence another panel asked the inspector to open; `seq` grows with each ask (the same one twice opens it twice). */
  inspectTarget: { runId: string; devIndex: number; seq: number } | null;
  /** Opens dev sentence `devIndex` of `runId` in the attention inspector. */
  openInInspector(runId: string, devIndex: number): void;
};

export interface WorkerSlice {
  /** How many times the trainer worker died and a new one took over (shown; asserted by tests). */
  workerRestarts: number;
  /** Subscribes to the worker's events, reads back the kept runs and study (once). */
  initTraining(preferred?: Backend): Promise<void>;
}

export interface ViewSlice {
  /** The view the main pane shows (its tabs); the side panel is always shown. */
  view: MainView;
  showView(view: MainView): void;
}

export type WorkbenchState = RunsState &
  DatasetSlice &
  TrainingSlice &
  StorageSlice &
  ShareSlice &
  StudySlice &
  CompareSlice &
  VectorsSlice &
  BertSlice &
  TestFileSlice &
  InspectSlice &
  WorkerSlice &
  ViewSlice;
