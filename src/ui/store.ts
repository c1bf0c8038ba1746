import { create } from 'zustand';
import { proxy, transfer } from 'comlink';
import type {
  Backend,
  ColumnOverride,
  DataErrorInfo,
  DatasetSummary,
  LiveChange,
  LoadResult,
  PresetName,
  RunConfig,
  WorkerEvent,
} from '../protocol.ts';
import { describeConfig } from './configEdit.ts';
import { downloadBlob } from './download.ts';
import { metricsCsv, metricsFileName, metricsJson } from './metricsExport.ts';
import { applyWorkerEvent, emptyRuns, setRunVisible, type RunsState } from './runsSlice.ts';
import { trainerWorker } from './workerClient.ts';

export interface WorkbenchState extends RunsState {
  dataset: DatasetSummary | null;
  /** Set while a file is being read or parsed: the name being loaded. */
  loading: string | null;
  /** The last rejected file's message; the dataset above is untouched by it. */
  loadError: DataErrorInfo | null;
  loadSample(): Promise<void>;
  loadFile(file: File): Promise<void>;
  applyOverrides(overrides: ColumnOverride[]): Promise<void>;
  dismissError(): void;

  // --- training (runs, order and backend come from RunsState, folded from worker events) ---
  /** The presets as the worker has them (the page cannot import src/model). */
  presets: Record<PresetName, RunConfig> | null;
  preset: PresetName;
  /** The settings of the next run started with "Start". */
  draft: RunConfig | null;
  /** The run the controls and live switches act on. */
  selectedRunId: string | null;
  /** The last failed training action (start, resume, export…), said plainly. */
  trainingError: string | null;
  /**
   * Live settings sent to a run but not yet confirmed by its `live-change` event, by run id: the
   * switches show them at once instead of flicking back for a round trip.
   */
  pendingLive: Record<string, LiveChange['settings']>;
  /** Subscribes to the worker's events and fetches the presets (once). */
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
}

/** The size at which we refuse a file before even reading it (the data layer checks again). */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** How long worker events are gathered before the store (and React) sees them. */
const EVENT_BATCH_MS = 50;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let trainingInit: Promise<void> | null = null;

export const useWorkbench = create<WorkbenchState>()((set, get) => {
  /** Applies a worker answer: only a success replaces the dataset. */
  const settle = (result: LoadResult) => {
    if (result.ok) set({ dataset: result.dataset, loadError: null, loading: null });
    else set({ loadError: result.error, loading: null });
  };
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
  };
  const onEvent = (event: WorkerEvent) => {
    queue.push(event);
    flushTimer ??= setTimeout(flush, EVENT_BATCH_MS);
  };

  /** Runs a training action; a failure goes to the banner instead of an unhandled rejection. */
  const attempt = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (error) {
      set({ trainingError: messageOf(error) });
    }
  };

  return {
    dataset: null,
    loading: null,
    loadError: null,
    ...emptyRuns,
    presets: null,
    preset: 'small',
    draft: null,
    selectedRunId: null,
    trainingError: null,
    pendingLive: {},

    async loadSample() {
      set({ loading: 'built-in sample' });
      try {
        settle(await trainerWorker().loadSample());
      } catch (error) {
        fail('built-in sample', error);
      }
    },

    async loadFile(file) {
      if (file.size > MAX_FILE_BYTES) {
        set({
          loadError: {
            file: file.name,
            kind: 'too-large',
            message: `${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB`,
          },
        });
        return;
      }
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        settle(await trainerWorker().loadFile(file.name, transfer(bytes, [bytes])));
      } catch (error) {
        fail(file.name, error);
      }
    },

    async applyOverrides(overrides) {
      const name = get().dataset?.name ?? 'dataset';
      set({ loading: name });
      try {
        settle(await trainerWorker().applyOverrides(overrides));
      } catch (error) {
        fail(name, error);
      }
    },

    dismissError() {
      set({ loadError: null });
    },

    initTraining(preferred) {
      trainingInit ??= attempt(async () => {
        const worker = trainerWorker();
        const presets = await worker.configPresets();
        set((state) => ({ presets, draft: state.draft ?? structuredClone(presets[state.preset]) }));
        const backend = await worker.subscribe(proxy(onEvent), preferred);
        set({ backend });
      });
      return trainingInit;
    },

    choosePreset(name) {
      const presets = get().presets;
      if (!presets) return;
      set({ preset: name, draft: structuredClone(presets[name]) });
    },

    setDraft(config) {
      set({ draft: config });
    },

    startRun() {
      return attempt(async () => {
        const draft = get().draft;
        if (!draft) throw new Error('The presets have not loaded yet.');
        const info = await trainerWorker().startRun(draft, describeConfig(draft));
        set({ selectedRunId: info.runId, trainingError: null });
      });
    },

    startSibling(parentId, config, label) {
      return attempt(async () => {
        await trainerWorker().startRun(config, label, parentId);
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
  };
});
