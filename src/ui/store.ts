import { create } from 'zustand';
import { proxy, transfer } from 'comlink';
import type {
  Backend,
  ColumnOverride,
  DataErrorInfo,
  DatasetSummary,
  LiveChange,
  LoadResult,
  ModelConfig,
  PresetName,
  RunConfig,
  TestFileSummary,
  VectorsInfo,
  WorkerEvent,
} from '../protocol.ts';
import { ablations, presets as configPresets } from '../core/config.ts';
import { checkSharedConfig } from '../core/checkSharedConfig.ts';
import { describeConfig } from './configEdit.ts';
import { downloadBlob } from './download.ts';
import { metricsCsv, metricsFileName, metricsJson } from './metricsExport.ts';
import { applyWorkerEvent, emptyRuns, removeRun, restoreRuns, setRunNotes, setRunVisible, type RunsState } from './runsSlice.ts';
import { parseSharedJson, readShareParam, sharedConfigJson, shareUrl, withoutShareParam, type SharedConfig } from './shareConfig.ts';
import { cancelItem, cancelStudy, createStudy, markStarted, moveItem, nextQueued, runningItem, settleRunning, studyCsv, studyTable, type Study } from './study.ts';
import { MAX_SMOOTHING } from './smoothing.ts';
import { trainerWorker } from './workerClient.ts';
import type { RunState } from './runsSlice.ts';
import { replaceTrainerWorker, watchTrainerWorker } from './workerClient.ts';
import { WorkerRecovery } from './workerRecovery.ts';

export interface WorkbenchState extends RunsState {
  dataset: DatasetSummary | null;
  /** Set while a file is being read or parsed: the name being loaded. */
  loading: string | null;
  /** The last rejected file's message; the dataset above is untouched by it. */
  loadError: DataErrorInfo | null;
  loadSample(): Promise<void>;
  loadFile(file: File): Promise<void>;
  /**
   * Adds a file to the training data (partial labels): tasks merged by name with the loaded ones;
   * a rejected file changes nothing.
   */
  addFile(file: File): Promise<void>;
  applyOverrides(overrides: ColumnOverride[]): Promise<void>;
  dismissError(): void;

  // --- training (runs, order and backend come from RunsState, folded from worker events) ---
  /** The presets (src/core). */
  presets: Record<PresetName, RunConfig>;
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
  /** Subscribes to the worker's events and reads the runs and the study kept in storage (once). */
  initTraining(preferred?: Backend): Promise<void>;
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
  updateLive(runId: string, settings: LiveChange['settings']): Promise<void>;
  setBackend(name: Backend): Promise<void>;
  selectRun(runId: string | null): void;
  setRunVisible(runId: string, visible: boolean): void;
  /** Downloads the run's best model as a zip. */
  exportModel(runId: string): Promise<void>;
  exportMetrics(runId: string, format: 'csv' | 'json'): void;
  dismissTrainingError(): void;

  // --- persistence (runs and models kept in the worker's IndexedDB) ---
  /** The last storage failure (quota, no IndexedDB), until a write succeeds again or it is dismissed. */
  storageError: string | null;
  /** Whether the runs kept from earlier visits have been read back. */
  restored: boolean;
  /** Deletes a run (stopping it first) from the page and from storage. */
  deleteRun(runId: string): Promise<void>;
  setNotes(runId: string, notes: string): Promise<void>;
  dismissStorageError(): void;

  // --- shared configs (URL and JSON file) ---
  /** The outcome of the last shared config opened: applied (info) or refused (error, naming the field). */
  shareMessage: { kind: 'info' | 'error'; text: string } | null;
  /** The dataset a shared config was made for (compared with the loaded one on the page). */
  sharedDataset: SharedConfig['dataset'] | null;
  /** Checks a shared config (envelope already read) with the worker and makes it the draft. */
  applySharedConfig(shared: { config: unknown; dataset?: SharedConfig['dataset'] }, source: string): Promise<boolean>;
  /** Reads a config JSON file (as saved by `downloadConfig`). */
  openConfigFile(file: File): Promise<void>;
  /** Saves the draft config (and the loaded dataset's name and hash) as a JSON file. */
  downloadConfig(): void;
  /** The page's URL carrying the draft config. */
  shareLink(): string | null;
  dismissShareMessage(): void;

  // --- ablation study (a queue of runs, one after another) ---
  /** The paper's ablations as model patches (src/core). */
  ablationPatches: Record<string, Partial<ModelConfig>>;
  study: Study | null;
  /** Starts a study of these ablations × seeds on the draft settings and the loaded dataset. */
  startStudy(configNames: string[], seeds: number[]): Promise<void>;
  moveStudyItem(id: string, delta: -1 | 1): void;
  cancelStudyItem(id: string): void;
  /** Cancels every queued item (the running run is left to the run controls). */
  cancelStudy(): void;
  clearStudy(): void;
  exportStudyCsv(): void;

  /** Reads a model archive as a new run (to tag text, inspect, export); a bad one is refused plainly. */
  importModel(file: File): Promise<void>;
  /**
   * Continues training `sourceId` (an imported model) as a new run on the loaded dataset: the
   * model's own settings (they fix the weights' shapes) with the draft's training settings.
   */
  continueRun(sourceId: string): Promise<void>;

  // --- comparison ---
  /**
   * Curve smoothing weight w ∈ [0, MAX_SMOOTHING] for the charts: a debiased EMA as TensorBoard's
   * (`emaSmooth` in smoothing.ts); 0 shows the raw values.
   */
  smoothing: number;
  setSmoothing(weight: number): void;
  /** The run the comparison table diffs configs against (null: the first run). */
  baselineRunId: string | null;
  setBaseline(runId: string | null): void;
  /** How many times the trainer worker died and a new one took over (shown; asserted by tests). */
  workerRestarts: number;

  // --- pre-trained word vectors (read and kept in the worker) ---
  vectors: VectorsInfo | null;
  /** The vectors file being read and the share read so far. */
  vectorsLoading: { fileName: string; fraction: number } | null;
  /** The last vectors file refused (file, line, problem); loaded vectors stay. */
  vectorsError: string | null;
  /** Whether new runs start their word table from the loaded vectors. */
  useVectors: boolean;
  loadVectors(file: File): Promise<void>;
  clearVectors(): Promise<void>;
  setUseVectors(use: boolean): void;
  dismissVectorsError(): void;

  // --- test file (read and kept in the worker, aligned to the training tasks) ---
  /** Runs started while it is loaded are scored on it when they end (their `test` scores). */
  testFile: TestFileSummary | null;
  /** Why the test file went away without the user removing it (the training data changed). */
  testFileNotice: string | null;
  /** Reads a test file; a bad one goes to the load error banner and the previous test file stays. */
  loadTestFile(file: File): Promise<void>;
  clearTestFile(): Promise<void>;
}

/** Vectors files are read in the worker, slice by slice; past this, memory is the limit, not speed. */
export const MAX_VECTORS_BYTES = 2 * 1024 * 1024 * 1024;

/** The size at which we refuse a file before even reading it (the data layer checks again). */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** How long worker events are gathered before the store (and React) sees them. */
const EVENT_BATCH_MS = 50;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let trainingInit: Promise<void> | null = null;
/** Dataset sources and run checkpoints, for a new worker when the old one dies. */
export const workerRecovery = new WorkerRecovery();

export const useWorkbench = create<WorkbenchState>()((set, get) => {
  /** Applies a worker answer: only a success replaces the dataset. */
  const settle = (result: LoadResult) => {
    if (result.ok) {
      set({ dataset: result.dataset, loadError: null, loading: null });
      // The worker drops the test file with any change of the training data (its tasks may differ).
      const test = get().testFile;
      if (test) set({ testFile: null, testFileNotice: `The test file ${test.name} was removed: the training data changed, and its tasks may differ. Load it again.` });
      // The vectors' coverage is of the dataset: a new one changes it.
      if (get().vectors) {
        void trainerWorker()
          .vectorsInfo()
          .then((vectors) => set({ vectors }))
          .catch(() => undefined);
      }
    } else set({ loadError: result.error, loading: null });
  };
  /** What new runs are started with besides their config. */
  const runOptions = () => ({ vectors: get().useVectors && get().vectors !== null });
  const fail = (file: string, error: unknown) =>
    set({
      loading: null,
      loadError: { file, kind: 'internal', message: `${file}: ${error instanceof Error ? error.message : String(error)}` },
    });

  // Worker events arrive in bursts; fold them in one store update per EVENT_BATCH_MS.
  let queue: WorkerEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    const events = queue;
    queue = [];
    set((state) => {
      let runs: RunsState = { runs: state.runs, order: state.order, backend: state.backend };
      for (const event of events) runs = applyWorkerEvent(runs, event);
      return runs;
    });
    if (get().study) void advanceStudy();
  };

  const saveStudy = (study: Study | null) => {
    void trainerWorker()
      .saveStudy(study)
      .catch(() => undefined);
  };
  const setStudy = (study: Study | null) => {
    set({ study });
    saveStudy(study);
  };

  /**
   * Moves the study on: settles its running item from its run's status, then starts the next queued
   * item when nothing of the study runs. One advance at a time (starting a run is a round trip).
   */
  let advancing = false;
  const advanceStudy = async (): Promise<void> => {
    if (advancing) return;
    advancing = true;
    try {
      const current = get().study;
      if (!current) return;
      let study = settleRunning(current, get().runs);
      if (study !== current) setStudy(study);
      if (runningItem(study)) return;
      const next = nextQueued(study);
      if (!next) return;
      try {
        const info = await trainerWorker().startRun(next.config, `${next.configName} · seed ${next.seed}`, undefined, runOptions());
        study = markStarted(get().study ?? study, next.id, info.runId);
      } catch (error) {
        study = { ...(get().study ?? study), items: (get().study ?? study).items.map((i) => (i.id === next.id ? { ...i, status: 'failed' as const } : i)) };
        set({ trainingError: `${next.configName} · seed ${next.seed}: ${messageOf(error)}` });
      }
      setStudy(study);
    } finally {
      advancing = false;
    }
    // A failure to start moves straight on to the next item.
    const after = get().study;
    if (after && !runningItem(after) && nextQueued(after)) void advanceStudy();
  };
  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'storage') {
      set({ storageError: event.ok ? null : event.message });
      return;
    }
    if (event.type === 'vectors-progress') {
      if (get().vectorsLoading?.fileName === event.fileName) set({ vectorsLoading: { fileName: event.fileName, fraction: event.fraction } });
      return;
    }
    workerRecovery.observe(event);
    if (event.type === 'checkpoint') return;
    queue.push(event);
    flushTimer ??= setTimeout(flush, EVENT_BATCH_MS);
  };

  /** Says a file is over the size limit (and returns true) before any of it is read. */
  const refuseTooLarge = (file: File): boolean => {
    if (file.size <= MAX_FILE_BYTES) return false;
    set({
      loadError: {
        file: file.name,
        kind: 'too-large',
        message: `${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB`,
      },
    });
    return true;
  };

  let preferredBackend: Backend | undefined;
  /**
   * The worker died (crash, out of memory, terminated): start a new one, give it the dataset the
   * runs trained on and the runs with their last checkpoints, marked failed; the page keeps every
   * run's config and events. Resume then continues each from its last epoch.
   */
  const recoverWorker = async (): Promise<void> => {
    flush();
    replaceTrainerWorker();
    const restarts = get().workerRestarts + 1;
    const runs = get().order.map((id) => get().runs[id]).filter((r): r is RunState => r !== undefined);
    const note = (run: RunState, epoch: number) =>
      `The training worker stopped unexpectedly (crashed or was terminated) while this run was ${run.status}. ` +
      `Resume continues from epoch ${epoch}${epoch === 0 ? ' (the start)' : ''} in a new worker.`;
    set({
      workerRestarts: restarts,
      // The vectors lived in the dead worker; runs that used them keep their weights.
      vectors: null,
      useVectors: false,
      testFile: null,
      trainingError: 'The training worker stopped unexpectedly; a new one was started. Runs that were training are marked failed: Resume continues each from its last epoch.',
    });
    const lost = (run: RunState, why: string) =>
      onEvent({ type: 'run-status', runId: run.info.runId, status: run.status === 'interrupted' ? 'interrupted' : 'failed', message: why });
    try {
      const worker = trainerWorker();
      const backend = await worker.subscribe(proxy(onEvent), get().backend?.name ?? preferredBackend);
      set({ backend });
      const needed = workerRecovery.datasetFor(runs);
      const reload = async (source: NonNullable<typeof needed>['source']): Promise<LoadResult> => {
        let result = source.kind === 'sample' ? await worker.loadSample() : await worker.loadFile(source.file.name, await source.file.arrayBuffer(), source.overrides);
        // Files added to it (partial labels), in the order they were added.
        for (const file of source.added ?? []) if (result.ok) result = await worker.addFile(file.name, await file.arrayBuffer());
        return result;
      };
      let taken: string[] = [];
      if (needed) {
        const result = await reload(needed.source);
        if (!result.ok) throw new Error(result.error.message);
        const restored = workerRecovery.restoredRuns(runs, needed.name, note);
        await worker.restoreRuns(restored);
        taken = restored.map((r) => r.info.runId);
      }
      for (const run of runs) {
        if (!taken.includes(run.info.runId) && ['running', 'paused', 'queued'].includes(run.status)) {
          lost(run, `The training worker stopped unexpectedly; ${run.info.datasetName} could not be reloaded, so this run cannot be resumed.`);
        }
      }
      // The page's dataset is the worker's again (it may differ from the one the runs trained on).
      const shown = workerRecovery.currentSource();
      if (shown && shown.name !== needed?.name) settle(await reload(shown.source));
      flush();
      await watchTrainerWorker(() => void recoverWorker());
    } catch (error) {
      for (const run of runs) if (['running', 'paused', 'queued'].includes(run.status)) lost(run, `The training worker stopped unexpectedly and could not be restarted: ${messageOf(error)}`);
      flush();
      set({ trainingError: `The training worker stopped unexpectedly and a new one could not take over: ${messageOf(error)}` });
    }
  };

  /** Runs a training action; a failure goes to the banner instead of an unhandled rejection. */
  const attempt = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      set({ trainingError: messageOf(error) });
    }
  };

  /** A config shared through the page's URL (`?config=`) becomes the draft once the presets are in. */
  const applyShareParam = async () => {
    const location = globalThis.location;
    if (!location) return;
    let shared: ReturnType<typeof readShareParam>;
    try {
      shared = readShareParam(location.search);
    } catch (error) {
      set({ shareMessage: { kind: 'error', text: messageOf(error) } });
      return;
    }
    if (!shared) return;
    if (await get().applySharedConfig(shared, 'the link')) {
      // Applied: a reload should not undo later edits by applying the link again.
      globalThis.history?.replaceState(null, '', withoutShareParam(location.href));
    }
  };

  return {
    dataset: null,
    loading: null,
    loadError: null,
    ...emptyRuns,
    presets: configPresets,
    preset: 'small',
    draft: structuredClone(configPresets.small),
    selectedRunId: null,
    trainingError: null,
    pendingLive: {},
    storageError: null,
    restored: false,
    shareMessage: null,
    sharedDataset: null,
    ablationPatches: ablations,
    study: null,
    smoothing: 0,
    baselineRunId: null,
    workerRestarts: 0,
    vectors: null,
    vectorsLoading: null,
    vectorsError: null,
    useVectors: false,
    testFile: null,
    testFileNotice: null,

    async loadSample() {
      set({ loading: 'built-in sample' });
      try {
        const result = await trainerWorker().loadSample();
        settle(result);
        if (result.ok) workerRecovery.datasetLoaded(result.dataset.name, { kind: 'sample' });
      } catch (error) {
        fail('built-in sample', error);
      }
    },

    async loadFile(file) {
      if (refuseTooLarge(file)) return;
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadFile(file.name, transfer(bytes, [bytes]));
        settle(result);
        // The File, not a copy of its bytes: a new worker re-reads it if this one dies.
        if (result.ok) workerRecovery.datasetLoaded(result.dataset.name, { kind: 'file', file, overrides: [] });
      } catch (error) {
        fail(file.name, error);
      }
    },

    async addFile(file) {
      if (!get().dataset) {
        set({ loadError: { file: file.name, kind: 'none', message: `${file.name}: load a dataset first; this file is added to it.` } });
        return;
      }
      if (refuseTooLarge(file)) return;
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().addFile(file.name, transfer(bytes, [bytes]));
        settle(result);
        if (result.ok) workerRecovery.fileAdded(result.dataset.name, file);
      } catch (error) {
        fail(file.name, error);
      }
    },

    async applyOverrides(overrides) {
      const name = get().dataset?.name ?? 'dataset';
      set({ loading: name });
      try {
        const result = await trainerWorker().applyOverrides(overrides);
        settle(result);
        if (result.ok) workerRecovery.overridesApplied(overrides);
      } catch (error) {
        fail(name, error);
      }
    },

    dismissError() {
      set({ loadError: null });
    },

    initTraining(preferred) {
      preferredBackend = preferred;
      trainingInit ??= attempt(async () => {
        const worker = trainerWorker();
        await applyShareParam();
        const backend = await worker.subscribe(proxy(onEvent), preferred);
        set({ backend });
        const saved = await worker.savedRuns();
        flush();
        set((state) => ({ ...restoreRuns({ runs: state.runs, order: state.order, backend: state.backend }, saved), restored: true }));
        const study = await worker.savedStudy();
        if (isStudy(study)) set({ study });
        await watchTrainerWorker(() => void recoverWorker());
      });
      return trainingInit;
    },

    choosePreset(name) {
      set({ preset: name, draft: structuredClone(configPresets[name]) });
    },

    setDraft(config) {
      set({ draft: config });
    },

    startRun() {
      return attempt(async () => {
        const draft = get().draft;
        const info = await trainerWorker().startRun(draft, describeConfig(draft), undefined, runOptions());
        set({ selectedRunId: info.runId, trainingError: null });
      });
    },

    startSibling(parentId, config, label) {
      return attempt(async () => {
        // A sibling differs from its parent by the switch only: it uses the parent's vectors or none.
        const used = get().runs[parentId]?.info.vectors;
        if (used && get().vectors?.fileName !== used.fileName) {
          throw new Error(`The parent run's word table started from ${used.fileName}, which is not loaded: load it again to start a sibling.`);
        }
        await trainerWorker().startRun(config, label, parentId, { vectors: used !== undefined });
        set({ trainingError: null });
      });
    },

    pauseRun(runId) {
      return attempt(() => trainerWorker().pause(runId));
    },

    resumeRun(runId) {
      return attempt(async () => {
        await trainerWorker().resume(runId);
        set({ trainingError: null });
      });
    },

    stopRun(runId) {
      return attempt(() => trainerWorker().stop(runId));
    },

    stepRun(runId) {
      return attempt(() => trainerWorker().step(runId));
    },

    updateLive(runId, settings) {
      set((state) => ({ pendingLive: { ...state.pendingLive, [runId]: { ...state.pendingLive[runId], ...settings } } }));
      const settled = () => {
        // The confirming event was posted before the answer: fold it in, then drop the pending copy.
        flush();
        set((state) => {
          const { [runId]: _done, ...rest } = state.pendingLive;
          return { pendingLive: rest };
        });
      };
      return attempt(async () => {
        try {
          await trainerWorker().updateLive(runId, settings);
        } finally {
          settled();
        }
      });
    },

    setBackend(name) {
      return attempt(async () => {
        const backend = await trainerWorker().setBackend(name);
        set({ backend });
      });
    },

    selectRun(runId) {
      set({ selectedRunId: runId });
    },

    setRunVisible(runId, visible) {
      set((state) => setRunVisible({ runs: state.runs, order: state.order, backend: state.backend }, runId, visible));
    },

    exportModel(runId) {
      return attempt(async () => {
        const exported = await trainerWorker().exportModel(runId);
        if (exported.archive.byteLength === 0) throw new Error('The exported archive is empty.');
        downloadBlob(exported.fileName, new Blob([exported.archive], { type: 'application/zip' }));
      });
    },

    exportMetrics(runId, format) {
      const run = get().runs[runId];
      if (!run) return;
      const text = format === 'csv' ? metricsCsv(run) : metricsJson(run);
      downloadBlob(metricsFileName(run, format), new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
    },

    dismissTrainingError() {
      set({ trainingError: null });
    },

    deleteRun(runId) {
      return attempt(async () => {
        await trainerWorker().deleteRun(runId);
        flush();
        set((state) => ({
          ...removeRun({ runs: state.runs, order: state.order, backend: state.backend }, runId),
          selectedRunId: state.selectedRunId === runId ? null : state.selectedRunId,
        }));
      });
    },

    setNotes(runId, notes) {
      set((state) => setRunNotes({ runs: state.runs, order: state.order, backend: state.backend }, runId, notes));
      return attempt(() => trainerWorker().setNotes(runId, notes));
    },

    dismissStorageError() {
      set({ storageError: null });
    },

    async applySharedConfig(shared, source) {
      const checked = checkSharedConfig(shared.config);
      if (!checked.ok) {
        set({ shareMessage: { kind: 'error', text: `${source}: ${checked.message}; the settings were not changed.` } });
        return false;
      }
      set({
        draft: checked.config,
        sharedDataset: shared.dataset ?? null,
        shareMessage: { kind: 'info', text: `Settings restored from ${source}.` },
      });
      return true;
    },

    async openConfigFile(file) {
      try {
        const shared = parseSharedJson(await file.text(), file.name);
        await get().applySharedConfig(shared, file.name);
      } catch (error) {
        set({ shareMessage: { kind: 'error', text: `${messageOf(error)}; the settings were not changed.` } });
      }
    },

    downloadConfig() {
      const { draft, dataset } = get();
      if (!draft) return;
      const text = sharedConfigJson({ config: draft, ...(dataset ? { dataset: { name: dataset.name, ...(dataset.hash ? { hash: dataset.hash } : {}) } } : {}) });
      downloadBlob('mtaa-config.json', new Blob([text], { type: 'application/json' }));
    },

    shareLink() {
      const { draft, dataset } = get();
      if (!draft || !globalThis.location) return null;
      return shareUrl(globalThis.location.href, {
        config: draft,
        ...(dataset ? { dataset: { name: dataset.name, ...(dataset.hash ? { hash: dataset.hash } : {}) } } : {}),
      });
    },

    dismissShareMessage() {
      set({ shareMessage: null });
    },

    startStudy(configNames, seeds) {
      return attempt(async () => {
        const { draft, ablationPatches, study } = get();
        if (study && (runningItem(study) || nextQueued(study))) throw new Error('A study is already running: cancel it first.');
        const unknown = configNames.find((n) => !(n in ablationPatches));
        if (unknown) throw new Error(`Unknown configuration ${unknown}.`);
        const id = `study-${Date.now().toString(36)}`;
        setStudy(createStudy(id, draft, configNames.map((name) => ({ name, patch: ablationPatches[name]! })), seeds));
        set({ trainingError: null });
        await advanceStudy();
      });
    },

    moveStudyItem(id, delta) {
      const study = get().study;
      if (study) setStudy(moveItem(study, id, delta));
    },

    cancelStudyItem(id) {
      const study = get().study;
      if (study) setStudy(cancelItem(study, id));
    },

    cancelStudy() {
      const study = get().study;
      if (study) setStudy(cancelStudy(study));
    },

    clearStudy() {
      setStudy(null);
    },

    importModel(file) {
      return attempt(async () => {
        if (file.size > MAX_FILE_BYTES) throw new Error(`${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB`);
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().importModel(file.name, transfer(bytes, [bytes]));
        if (!result.ok) throw new Error(`The model was not imported: ${result.message}`);
        set({ selectedRunId: result.run.runId, trainingError: null });
      });
    },

    continueRun(sourceId) {
      return attempt(async () => {
        const source = get().runs[sourceId];
        if (!source) throw new Error(`There is no run ${sourceId}.`);
        const draft = get().draft;
        const config = { model: structuredClone(source.info.config.model), train: structuredClone((draft ?? source.info.config).train) };
        const info = await trainerWorker().continueRun(sourceId, config);
        set({ selectedRunId: info.runId, trainingError: null });
      });
    },

    async loadVectors(file) {
      if (file.size > MAX_VECTORS_BYTES) {
        set({ vectorsError: `${file.name}: the file is ${(file.size / 1e9).toFixed(1)} GB; the limit is ${MAX_VECTORS_BYTES / 1024 ** 3} GiB` });
        return;
      }
      set({ vectorsLoading: { fileName: file.name, fraction: 0 }, vectorsError: null });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadVectors(file.name, transfer(bytes, [bytes]));
        if (result.ok) set({ vectors: result.vectors, useVectors: true, vectorsLoading: null });
        else set({ vectorsError: `Could not load ${file.name}: ${result.message}`, vectorsLoading: null });
      } catch (error) {
        set({ vectorsError: `Could not load ${file.name}: ${messageOf(error)}`, vectorsLoading: null });
      }
    },

    async clearVectors() {
      await trainerWorker().clearVectors();
      set({ vectors: null, useVectors: false });
    },

    setUseVectors(use) {
      set({ useVectors: use && get().vectors !== null });
    },

    dismissVectorsError() {
      set({ vectorsError: null });
    },

    async loadTestFile(file) {
      if (file.size > MAX_FILE_BYTES) {
        set({ loadError: { file: file.name, kind: 'too-large', message: `${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB` } });
        return;
      }
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadTestFile(file.name, transfer(bytes, [bytes]));
        if (result.ok) set({ testFile: result.test, testFileNotice: null, loadError: null, loading: null });
        else set({ loadError: result.error, loading: null });
      } catch (error) {
        fail(file.name, error);
      }
    },

    async clearTestFile() {
      await trainerWorker().clearTestFile();
      set({ testFile: null, testFileNotice: null });
    },

    setSmoothing(weight) {
      if (!Number.isFinite(weight)) return;
      set({ smoothing: Math.min(MAX_SMOOTHING, Math.max(0, weight)) });
    },

    setBaseline(runId) {
      set({ baselineRunId: runId });
    },

    exportStudyCsv() {
      const { study, runs } = get();
      if (!study) return;
      downloadBlob(`${study.id}.csv`, new Blob([studyCsv(studyTable(study, runs))], { type: 'text/csv' }));
    },
  };
});

/** Whether a value read back from storage looks like a Study (written by this page). */
function isStudy(value: unknown): value is Study {
  const v = value as Partial<Study> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && Array.isArray(v.items) && typeof v.active === 'boolean';
}
