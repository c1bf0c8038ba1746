/** Persistence: runs and models are kept in the worker's IndexedDB; the page deletes and annotates them. */
import { trainerWorker } from '../workerClient.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { removeRun, setRunNotes } from './runsSlice.ts';
import type { StorageSlice } from './state.ts';


export function createStorageSlice(kit: StoreKit): StorageSlice {
  const { set, attempt } = kit;
  return {
    storageError: null,
    restored: false,

    deleteRun(runId) {
      return attempt(async () => {
        await trainerWorker().deleteRun(runId);
        kit.flush();
        set((state) => ({
          ...removeRun(runsOf(state), runId),
          selectedRunId: state.selectedRunId === runId ? null : state.selectedRunId,
        }));
      });
    },

    setNotes(runId, notes) {
      set((state) => setRunNotes(runsOf(state), runId, notes));
      return attempt(() => trainerWorker().setNotes(runId, notes));
    },

    dismissStorageError() {
      set({ storageError: null });
    },
  };
}
