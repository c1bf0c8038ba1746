/**
 * Persistence: runs and models are kept in the worker's IndexedDB; the page deletes, annotates and
 * renames them, asks once for persistent storage, shows the space they take, and moves the whole
 * workspace out (export) and in (import, merged by the worker).
 */
import { messageOf } from '../../core/errors.ts';
import { downloadBlob } from '../download.ts';
import { askPersistence, formatBytes, isPersisted } from '../persistentStorage.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { MAX_WORKSPACE_BYTES } from './fileLimits.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { removeRun, restoreRuns, setRunLabel, setRunNotes } from './runsSlice.ts';
import type { StorageSlice } from './state.ts';
import { isStudy } from './studySlice.ts';

export function createStorageSlice(kit: StoreKit): StorageSlice {
  const { set, get, attempt } = kit;
  let asking: Promise<void> | null = null;

  // The space report is read again when the runs change in a way storage sees (a run started,
  // ended, deleted, imported), a second after the last such change: not per batch or epoch.
  let shape = '';
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  kit.afterFlush(() => {
    const { order, runs } = get();
    // A run started or imported in this page is a save: the moment to ask for persistence.
    if (order.some((id) => runs[id] && !runs[id].restored)) void get().requestPersistence();
    const next = order.map((id) => `${id}:${runs[id]?.status}`).join(',');
    if (next === shape) return;
    shape = next;
    if (refreshTimer !== null) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void get().refreshStorage(), 1000);
  });

  return {
    storageError: null,
    restored: false,
    persistence: { persisted: null, asked: false },
    storageUsage: null,
    workspaceMessage: null,
    workspaceBusy: null,

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

    async refreshStorage() {
      try {
        const [usage, persisted] = await Promise.all([trainerWorker().storageUsage(), isPersisted()]);
        set((state) => ({ storageUsage: usage, persistence: { ...state.persistence, persisted } }));
      } catch {
        // The report is information only; a worker that is being replaced answers the next time.
      }
    },

    requestPersistence() {
      // Asked from the event fold too: the store changes once, with the answer, not within the fold.
      asking ??= (async () => {
        const granted = await askPersistence();
        set({ persistence: { persisted: granted ?? (await isPersisted()), asked: true } });
      })();
      return asking;
    },

    exportWorkspace() {
      return attempt(async () => {
        set({ workspaceBusy: 'Exporting the workspace…', workspaceMessage: null });
        try {
          const exported = await trainerWorker().exportWorkspace();
          downloadBlob(exported.fileName, new Blob([exported.archive], { type: 'application/zip' }));
          const runs = get().order.length;
          set({ workspaceMessage: { kind: 'info', text: `Exported ${runs} run${runs === 1 ? ' with its' : 's with their'} data as ${exported.fileName} (${formatBytes(exported.archive.byteLength)}).` } });
        } catch (error) {
          set({ workspaceMessage: { kind: 'error', text: `The workspace was not exported: ${messageOf(error)}` } });
        } finally {
          set({ workspaceBusy: null });
        }
      });
    },

    importWorkspace(file) {
      return attempt(async () => {
        if (file.size > MAX_WORKSPACE_BYTES) {
          set({ workspaceMessage: { kind: 'error', text: `${file.name}: archive: ${file.size} bytes is over the ${MAX_WORKSPACE_BYTES}-byte limit; nothing was imported.` } });
          return;
        }
        set({ workspaceBusy: `Importing ${file.name}…`, workspaceMessage: null });
        try {
          const result = await trainerWorker().importWorkspace(file.name, movedBytes(await file.arrayBuffer()));
          if (!result.ok) {
            set({ workspaceMessage: { kind: 'error', text: `${result.message.replace(/\.?$/, '.')} Nothing was imported.` } });
            return;
          }
          kit.flush();
          set((state) => ({ ...restoreRuns(runsOf(state), result.runs), ...(result.runs[0] ? { selectedRunId: result.runs[0].info.runId } : {}) }));
          if (!get().study) {
            const study = await trainerWorker().savedStudy();
            if (isStudy(study)) set({ study });
          }
          const parts = [
            `Imported ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} from ${file.name}`,
            result.skipped.length > 0 ? `${result.skipped.length} already here (same content) skipped: ${result.skipped.join(', ')}` : '',
            ...result.renamed.map((r) => `${r.from} imported as ${r.to} (${r.runId}): a different run here has its name or id`),
            result.datasets > 0 ? `${result.datasets} dataset${result.datasets === 1 ? '' : 's'} added` : '',
          ].filter(Boolean);
          set({ workspaceMessage: { kind: 'info', text: `${parts.join('; ')}.` } });
          if (result.runs.length > 0) void get().requestPersistence();
        } catch (error) {
          set({ workspaceMessage: { kind: 'error', text: `${file.name} was not imported: ${messageOf(error)}` } });
        } finally {
          set({ workspaceBusy: null });
          void get().refreshStorage();
        }
      });
    },

    dismissWorkspaceMessage() {
      set({ workspaceMessage: null });
    },
  };
}
