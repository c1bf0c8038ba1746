/** Persistence: runs and models are kept in the worker's IndexedDB; the page deletes and annotates them. */
import { trainerWorker } from '../workerClient.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { removeRun, setRunNotes } from './runsSlice.ts';

export interface StorageSlice {
  /** The last storage failure (quota, no IndexedDB), until a write succeeds again or it is dismissed. */
  storageError: string | null;
  /** Whether the runs kept from earlier visits have been read back. */
  restored: boolean;
  /** Deletes a run (stopping it first) from the page and from storage. */
  deleteRun(runId: string): Promise<void>;
  setNotes(runId: string, notes: string): Promise<void>;
  dismissStorageError(): void;
}

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
