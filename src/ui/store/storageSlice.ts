/** Persistence: runs and models are kept in the worker's IndexedDB; the page deletes, annotates and renames them. */
import { trainerWorker } from '../workerClient.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { removeRun, setRunLabel, setRunNotes } from './runsSlice.ts';
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
        kit.recovery.forget(runId);
        // Nothing of the page keeps naming the run: a long session of deleted runs stays flat (issue 18).
        set((state) => ({
          ...removeRun(runsOf(state), runId),
          selectedRunId: state.selectedRunId === runId ? null : state.selectedRunId,
          baselineRunId: state.baselineRunId === runId ? null : state.baselineRunId,
          inspectTarget: state.inspectTarget?.runId === runId ? null : state.inspectTarget,
        }));
      });
    },

    setNotes(runId, notes) {
      set((state) => setRunNotes(runsOf(state), runId, notes));
      return attempt(() => trainerWorker().setNotes(runId, notes));
    },

    renameRun(runId, label) {
      // The worker checks and keeps the name (unique among the runs, stored with the run): shown once it has.
      return attempt(async () => {
        await trainerWorker().renameRun(runId, label);
        set((state) => setRunLabel(runsOf(state), runId, label.trim()));
      });
    },

    dismissStorageError() {
      set({ storageError: null });
    },
  };
}
