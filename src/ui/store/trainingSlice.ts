/** Training: the draft settings, starting runs and acting on them, live settings, exports, imports. */
import { presetConfig } from '../../core/config.ts';
import { describeConfig } from '../configEdit.ts';
import { downloadBlob } from '../download.ts';
import { metricsCsv, metricsFileName, metricsJson } from '../metricsExport.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { rememberBackend } from '../urlOptions.ts';
import { tooLargeMessage } from './fileLimits.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { setRunVisible } from './runsSlice.ts';
import type { TrainingSlice } from './state.ts';


export function createTrainingSlice(kit: StoreKit): TrainingSlice {
  const { set, get, attempt } = kit;
  return {
    preset: 'small',
    // The page opens on the built-in sample (a dropped file restored after a reload re-drafts).
    draft: presetConfig('small', true),
    selectedRunId: null,
    trainingError: null,
    pendingLive: {},

    choosePreset(name) {
      set({ preset: name, draft: presetConfig(name, get().dataset?.builtIn ?? true) });
    },

    setDraft(config) {
      set({ draft: config });
    },

    startRun() {
      return attempt(async () => {
        const draft = get().draft;
        const info = await trainerWorker().startRun(draft, describeConfig(draft), undefined, kit.runOptions());
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
        try {
          await trainerWorker().resume(runId);
        } catch (error) {
          // A BERT run whose features are gone needs its checkpoint: Resume goes on once it is dropped.
          const wanted = get().runs[runId]?.info.bert;
          if (wanted && get().bert?.hash !== wanted.hash) set((s) => ({ bertAwaitingResume: [...s.bertAwaitingResume.filter((id) => id !== runId), runId] }));
          throw error;
        }
        set((s) => ({ trainingError: null, bertAwaitingResume: s.bertAwaitingResume.filter((id) => id !== runId) }));
      });
    },

    stopRun(runId) {
      return attempt(() => trainerWorker().stop(runId));
    },

    stepRun(runId) {
      return attempt(async () => {
        await trainerWorker().step(runId);
        // The step's report was posted before the answer: show it now, not after the events' batching delay.
        kit.flush();
      });
    },

    updateLive(runId, settings) {
      set((state) => ({ pendingLive: { ...state.pendingLive, [runId]: { ...state.pendingLive[runId], ...settings } } }));
      const settled = () => {
        // The confirming event was posted before the answer: fold it in, then drop the pending copy.
        kit.flush();
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
      // An explicit pick (a software GPU included) is the user's: kept across reloads.
      rememberBackend(name);
      return attempt(async () => {
        const backend = await trainerWorker().setBackend(name);
        set({ backend });
      });
    },

    selectRun(runId) {
      set({ selectedRunId: runId });
    },

    setRunVisible(runId, visible) {
      set((state) => setRunVisible(runsOf(state), runId, visible));
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

    importModel(file) {
      return attempt(async () => {
        const tooLarge = tooLargeMessage(file);
        if (tooLarge !== null) throw new Error(tooLarge);
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().importModel(file.name, movedBytes(bytes));
        if (!result.ok) throw new Error(`The model was not imported: ${result.message}`);
        set({ selectedRunId: result.run.runId, trainingError: null });
      });
    },

    continueRun(sourceId) {
      return attempt(async () => {
        const source = get().runs[sourceId];
        if (!source) throw new Error(`There is no run ${sourceId}.`);
        const config = { model: structuredClone(source.info.config.model), train: structuredClone(get().draft.train) };
        const info = await trainerWorker().continueRun(sourceId, config);
        set({ selectedRunId: info.runId, trainingError: null });
      });
    },
  };
}
