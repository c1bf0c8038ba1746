/**
 * The page's link to the trainer worker: connecting (events, presets, kept runs and study) and,
 * when the worker dies, starting a new one that takes over the dataset and the resumable runs.
 */
import { messageOf } from '../../core/errors.ts';
import type { AdoptedRun, Backend, LoadResult } from '../../protocol.ts';
import { eventListener, replaceTrainerWorker, trainerWorker, watchTrainerWorker } from '../workerClient.ts';
import { settleLoad, settleOpened } from './datasetSlice.ts';
import { runsOf, type StoreKit } from './kit.ts';
import { restoreRuns, type RunState } from './runsSlice.ts';
import { applyShareParam } from './shareSlice.ts';
import type { WorkerSlice } from './state.ts';
import { isStudy } from './studySlice.ts';
import type { ReloadableDataset } from './workerRecovery.ts';


/** Runs still training when the worker died: without a new worker to take them, they are lost. */
const LIVE_STATUSES: readonly RunState['status'][] = ['running', 'paused', 'queued'];

export function createWorkerSlice(kit: StoreKit): WorkerSlice {
  const { set, get, recovery } = kit;
  let trainingInit: Promise<void> | null = null;
  let preferredBackend: Backend | undefined;

  /**
   * The worker died (crash, out of memory, terminated): start a new one and hand it the runs,
   * marked failed. With IndexedDB it loads the current dataset (and test file) from storage itself,
   * and each run's dataset and last checkpoint too; without, the page loads the dataset the runs
   * trained on from its own copies of the dropped Files, and hands over its copies of their
   * checkpoints. The page keeps every run's config and events. Resume then continues each from its
   * last checkpoint.
   */
  const recoverWorker = async (): Promise<void> => {
    kit.flush();
    replaceTrainerWorker();
    const restarts = get().workerRestarts + 1;
    // Runs another tab trains stay that tab's: the new worker follows them as the old one did.
    const runs = get().order.map((id) => get().runs[id]).filter((r): r is RunState => r !== undefined && !r.elsewhere);
    const note = (run: RunState) => `The training worker stopped unexpectedly (crashed or was terminated) while this run was ${run.status}.`;
    set({
      workerRestarts: restarts,
      // The vectors lived in the dead worker; runs that used them keep their weights.
      vectors: null,
      useVectors: false,
      // So did the BERT checkpoint: it must be dropped again (its features are in IndexedDB).
      bert: null,
      bertProgress: null,
      testFile: null,
      trainingError: 'The training worker stopped unexpectedly; a new one was started. Runs that were training are marked failed: Resume continues each from its last checkpoint.',
    });
    const lost = (run: RunState, why: string) =>
      kit.onEvent({ type: 'run-status', runId: run.info.runId, status: run.status === 'interrupted' ? 'interrupted' : 'failed', message: why });
    try {
      const worker = trainerWorker();
      const backend = await worker.subscribe(eventListener(kit.onEvent), get().backend?.name ?? preferredBackend);
      set({ backend });
      const opened = await worker.openDataset();
      const refusedRuns = new Map<string, string>();
      const hand = async (restored: AdoptedRun[]) => {
        for (const { runId, message } of await worker.restoreRuns(restored)) refusedRuns.set(runId, message);
        return restored.map((r) => r.info.runId).filter((id) => !refusedRuns.has(id));
      };
      let taken: string[] = [];
      if (opened.persistent) {
        // Everything is in IndexedDB: the dataset and test file the page showed, each run's data and checkpoints.
        settleOpened(kit, opened);
        taken = await hand(recovery.restoredRuns(runs, null, note));
      } else {
        const reload = async (source: ReloadableDataset): Promise<LoadResult> => {
          let result = source.kind === 'sample' ? await worker.loadSample() : await worker.loadFile(source.file.name, await source.file.arrayBuffer(), source.overrides);
          // Files added to it (partial labels), in the order they were added.
          for (const file of source.added ?? []) if (result.ok) result = await worker.addFile(file.name, await file.arrayBuffer());
          return result;
        };
        const needed = recovery.datasetFor(runs);
        if (needed) {
          const result = await reload(needed.source);
          if (!result.ok) throw new Error(result.error.message);
          taken = await hand(recovery.restoredRuns(runs, needed.name, note));
        }
        // The page's dataset is the worker's again (it may differ from the one the runs trained on).
        const shown = recovery.currentSource();
        if (shown && shown.name !== needed?.name) settleLoad(kit, await reload(shown.source));
        else if (!shown) settleLoad(kit, opened.result);
      }
      for (const run of runs) {
        if (!taken.includes(run.info.runId) && LIVE_STATUSES.includes(run.status)) {
          const why = refusedRuns.get(run.info.runId) ?? `${run.info.datasetName} could not be reloaded`;
          lost(run, `The training worker stopped unexpectedly; this run cannot be resumed: ${why}`);
        }
      }
      kit.flush();
      await watchTrainerWorker(() => void recoverWorker());
    } catch (error) {
      for (const run of runs) if (LIVE_STATUSES.includes(run.status)) lost(run, `The training worker stopped unexpectedly and could not be restarted: ${messageOf(error)}`);
      kit.flush();
      set({ trainingError: `The training worker stopped unexpectedly and a new one could not take over: ${messageOf(error)}` });
    }
  };

  return {
    workerRestarts: 0,

    initTraining(preferred) {
      preferredBackend = preferred;
      trainingInit ??= kit.attempt(async () => {
        const worker = trainerWorker();
        applyShareParam(kit);
        const backend = await worker.subscribe(eventListener(kit.onEvent), preferred);
        set({ backend });
        const saved = await worker.savedRuns();
        kit.flush();
        set((state) => ({ ...restoreRuns(runsOf(state), saved), restored: true }));
        const study = await worker.savedStudy();
        if (isStudy(study)) {
          set({ study });
          // Its queue goes on here, unless another tab runs it (the study slice asks its lock).
          kit.flush();
        }
        await watchTrainerWorker(() => void recoverWorker());
      });
      return trainingInit;
    },
  };
}
