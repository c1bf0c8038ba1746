/**
 * The training data loaded in the worker: the one kept from the last visit or the sample, a dropped
 * file, added files, column choices. The worker keeps each change in IndexedDB.
 */
import type { LoadResult, OpenedDataset } from '../../protocol.ts';
import { presetConfig } from '../../core/config.ts';
import { messageOf } from '../../core/errors.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { tooLargeMessage } from './fileLimits.ts';
import type { StoreKit } from './kit.ts';
import type { DatasetSlice } from './state.ts';


/** Applies a worker answer to a load: only a success replaces the dataset. */
export function settleLoad({ set, get }: StoreKit, result: LoadResult): void {
  if (!result.ok) {
    set({ loadError: result.error, loading: null });
    return;
  }
  // A draft nobody edited follows the data: the sample's training settings on the sample only.
  const { preset, draft, dataset } = get();
  const untouched = JSON.stringify(draft) === JSON.stringify(presetConfig(preset, dataset?.builtIn ?? true));
  set({ dataset: result.dataset, loadError: null, loading: null, ...(untouched ? { draft: presetConfig(preset, result.dataset.builtIn) } : {}) });
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
}

/**
 * Applies what the worker opened (the kept dataset and test file, or the sample): the page shows it,
 * and says why the kept one did not come back when it did not. Where the worker has no IndexedDB,
 * the page keeps its own copy of where the dataset came from (for a new worker if this one dies).
 */
export function settleOpened(kit: StoreKit, opened: OpenedDataset): void {
  const { set, recovery } = kit;
  recovery.storageKnown(opened.persistent);
  settleLoad(kit, opened.result);
  // The test file kept with the dataset came back with it (settleLoad assumed a new dataset).
  set({ testFile: opened.test, testFileNotice: null });
  const { result } = opened;
  if (opened.notice !== null) set({ loadError: { file: result.ok ? result.dataset.name : 'dataset', kind: 'not-kept', message: opened.notice } });
  // Without IndexedDB nothing was kept: the worker opened the sample.
  if (result.ok && !opened.persistent) recovery.datasetLoaded(result.dataset.name, { kind: 'sample' });
}

/** A load that failed in the worker or in reading the file (not a refusal of its content). */
export function failLoad({ set }: StoreKit, file: string, error: unknown): void {
  set({ loading: null, loadError: { file, kind: 'internal', message: `${file}: ${messageOf(error)}` } });
}

/** Says a file is over the size limit (and returns true) before any of it is read. */
export function refuseTooLarge({ set }: StoreKit, file: File): boolean {
  const message = tooLargeMessage(file);
  if (message === null) return false;
  set({ loadError: { file: file.name, kind: 'too-large', message } });
  return true;
}

export function createDatasetSlice(kit: StoreKit): DatasetSlice {
  const { set, get, recovery } = kit;
  return {
    dataset: null,
    loading: null,
    loadError: null,

    async openDataset() {
      set({ loading: 'the dataset of your last visit' });
      try {
        settleOpened(kit, await trainerWorker().openDataset());
      } catch (error) {
        failLoad(kit, 'the dataset of your last visit', error);
      }
    },

    async loadSample() {
      set({ loading: 'built-in sample' });
      try {
        const result = await trainerWorker().loadSample();
        settleLoad(kit, result);
        if (result.ok) recovery.datasetLoaded(result.dataset.name, { kind: 'sample' });
      } catch (error) {
        failLoad(kit, 'built-in sample', error);
      }
    },

    async loadFile(file) {
      if (refuseTooLarge(kit, file)) return;
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().loadFile(file.name, movedBytes(bytes));
        settleLoad(kit, result);
        // The File, not a copy of its bytes: a new worker re-reads it if this one dies.
        if (result.ok) recovery.datasetLoaded(result.dataset.name, { kind: 'file', file, overrides: [] });
        // The first dataset saved: the moment to ask for persistent storage (once).
        if (result.ok) void get().requestPersistence();
      } catch (error) {
        failLoad(kit, file.name, error);
      }
    },

    async addFile(file) {
      if (!get().dataset) {
        set({ loadError: { file: file.name, kind: 'none', message: `${file.name}: load a dataset first; this file is added to it.` } });
        return;
      }
      if (refuseTooLarge(kit, file)) return;
      set({ loading: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const result = await trainerWorker().addFile(file.name, movedBytes(bytes));
        settleLoad(kit, result);
        if (result.ok) recovery.fileAdded(result.dataset.name, file);
        if (result.ok) void get().requestPersistence();
      } catch (error) {
        failLoad(kit, file.name, error);
      }
    },

    async applyOverrides(overrides) {
      const name = get().dataset?.name ?? 'dataset';
      set({ loading: name });
      try {
        const result = await trainerWorker().applyOverrides(overrides);
        settleLoad(kit, result);
        if (result.ok) recovery.overridesApplied(overrides);
      } catch (error) {
        failLoad(kit, name, error);
      }
    },

    dismissError() {
      set({ loadError: null });
    },
  };
}
