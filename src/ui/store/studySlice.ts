/** The ablation study: a queue of runs (configurations × seeds) started one after another. */
import { messageOf } from '../../core/errors.ts';
import { defaultBertEmbedding } from '../../core/config.ts';
import { downloadBlob } from '../download.ts';
import { cancelItem, cancelStudy, configurationPatch, createStudy, markStarted, moveItem, nextQueued, runningItem, settleRunning, studyCsv, studyRunIds, studyTable, type Study } from '../study.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { tooLargeMessage } from './fileLimits.ts';
import type { StoreKit } from './kit.ts';
import type { StudySlice } from './state.ts';


/** Whether a value read back from storage looks like a Study (written by this page). */
export function isStudy(value: unknown): value is Study {
  const v = value as Partial<Study> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && Array.isArray(v.items) && typeof v.active === 'boolean';
}

export function createStudySlice(kit: StoreKit): StudySlice {
  const { set, get, attempt } = kit;

  // The study is kept in the worker's storage, so the queue survives a reload.
  const setStudy = (study: Study | null) => {
    set({ study });
    void trainerWorker()
      .saveStudy(study)
      .catch(() => undefined);
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
        const info = await trainerWorker().startRun(next.config, `${next.configName} · seed ${next.seed}`, undefined, kit.runOptions());
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
  // Every fold of run events may have ended the study's running run.
  kit.afterFlush(() => {
    if (get().study) void advanceStudy();
  });

  return {
    study: null,

    startStudy(configNames, seeds) {
      return attempt(async () => {
        const { draft, study } = get();
        if (study && (runningItem(study) || nextQueued(study))) throw new Error('A study is already running: cancel it first.');
        // "+ BERT" rows use the draft's BERT settings, or the defaults with the loaded checkpoint's width.
        const loaded = get().bert;
        const bert = loaded ? { ...defaultBertEmbedding, ...draft.model.embedding.bert, hiddenSize: loaded.hiddenSize } : null;
        const configurations = configNames.map((name) => ({ name, patch: configurationPatch(name, draft.model.embedding, bert) }));
        const id = `study-${Date.now().toString(36)}`;
        setStudy(createStudy(id, draft, configurations, seeds));
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

    deleteStudy(withRuns) {
      return attempt(async () => {
        const study = get().study;
        if (!study) return;
        if (runningItem(study) || (study.active && nextQueued(study))) throw new Error('The study is running: cancel its queue and let its run end (or stop it) before deleting it.');
        if (withRuns) {
          // One at a time: each deletion waits for the worker, as a click on a run's Delete does.
          for (const runId of studyRunIds(study)) if (get().runs[runId]) await get().deleteRun(runId);
        }
        setStudy(null);
      });
    },

    studyArchiveError: null,

    openStudyArchive(file) {
      return attempt(async () => {
        const current = get().study;
        if (current && (runningItem(current) || (current.active && nextQueued(current)))) {
          set({ studyArchiveError: `${file.name}: a study is running; cancel it before opening a study archive.` });
          return;
        }
        const tooLarge = tooLargeMessage(file);
        if (tooLarge) {
          set({ studyArchiveError: tooLarge });
          return;
        }
        const opened = await trainerWorker().importStudyArchive(file.name, movedBytes(await file.arrayBuffer()));
        if (!opened.ok) {
          set({ studyArchiveError: opened.message });
          return;
        }
        // The runs' replayed events came before the answer: fold them, then show the study on them.
        kit.flush();
        setStudy(opened.study);
        set({ studyArchiveError: null });
      });
    },

    exportStudyCsv() {
      const { study, runs } = get();
      if (!study) return;
      downloadBlob(`${study.id}.csv`, new Blob([studyCsv(studyTable(study, runs))], { type: 'text/csv' }));
    },
  };
}
