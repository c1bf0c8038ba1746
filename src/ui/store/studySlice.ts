/** The ablation study: a queue of runs (configurations × seeds) started one after another. */
import { messageOf } from '../../core/errors.ts';
import { defaultBertEmbedding } from '../../core/config.ts';
import { downloadBlob } from '../download.ts';
import { cancelItem, cancelStudy, configurationPatch, createStudy, markStarted, moveItem, nextQueued, runningItem, settleRunning, studyCsv, studyRunIds, studyTable, type Study } from '../study.ts';
import { movedBytes, trainerWorker } from '../workerClient.ts';
import { tooLargeMessage } from './fileLimits.ts';
import type { StoreKit } from './kit.ts';
import type { StudySlice } from './state.ts';
import { StudyTabs } from './studyTabs.ts';


/** Whether a value read back from storage looks like a Study (written by this page). */
export function isStudy(value: unknown): value is Study {
  const v = value as Partial<Study> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && Array.isArray(v.items) && typeof v.active === 'boolean';
}

/** Whether the study has something to run: a running item or a queued one. */
const hasWork = (study: Study) => runningItem(study) !== undefined || nextQueued(study) !== undefined;

/** The refusal while another tab runs the study's queue. */
const ELSEWHERE = 'This study runs in another tab of this browser: change it there, or wait until it ends there or that tab is closed.';

export function createStudySlice(kit: StoreKit, tabs = new StudyTabs()): StudySlice {
  const { set, get, attempt } = kit;

  // The study is kept in the worker's storage, so the queue survives a reload; the tab running its
  // queue tells the other tabs, and lets go of it once nothing is left to start.
  const setStudy = (study: Study | null) => {
    set({ study });
    void trainerWorker()
      .saveStudy(study)
      .catch(() => undefined);
    if (!study) tabs.release();
    else if (tabs.owns(study.id)) {
      tabs.publish(study);
      if (!hasWork(study)) tabs.release();
    }
  };

  /** Another tab runs the study's queue: shown and followed here, taken over when that tab lets go. */
  const elsewhere = (study: Study) => {
    set({ studyElsewhere: true });
    tabs.whenFree(study.id, () => void takeOver(study.id));
  };
  /** The tab that ran the study let go of it (it settled, or the tab closed): as stored, it is this tab's now. */
  const takeOver = async (studyId: string) => {
    const saved = await trainerWorker()
      .savedStudy()
      .catch(() => null);
    set({ studyElsewhere: false, ...(isStudy(saved) && saved.id === studyId ? { study: saved } : {}) });
    if (get().study) void advanceStudy();
  };
  tabs.onStudy((study) => {
    const current = get().study;
    // This tab runs a study of its own: the other tab's does not replace it.
    if (current && current.id !== study.id && tabs.owns(current.id)) return;
    set({ study });
    if (hasWork(study)) elsewhere(study);
  });

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
      if (!current || get().studyElsewhere) return;
      // One tab runs a study's queue: the one holding its lock.
      if (hasWork(current) && !(await tabs.claim(current.id))) {
        elsewhere(current);
        return;
      }
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

  /** Refuses a change of a study another tab runs (said in the banner); true when refused. */
  const refusedElsewhere = () => {
    if (get().studyElsewhere) set({ trainingError: ELSEWHERE });
    return get().studyElsewhere;
  };

  return {
    study: null,
    studyElsewhere: false,

    startStudy(configNames, seeds) {
      return attempt(async () => {
        if (get().studyElsewhere) throw new Error(ELSEWHERE);
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
      if (refusedElsewhere()) return;
      const study = get().study;
      if (study) setStudy(moveItem(study, id, delta));
    },

    cancelStudyItem(id) {
      if (refusedElsewhere()) return;
      const study = get().study;
      if (study) setStudy(cancelItem(study, id));
    },

    cancelStudy() {
      if (refusedElsewhere()) return;
      const study = get().study;
      if (study) setStudy(cancelStudy(study));
    },

    clearStudy() {
      if (refusedElsewhere()) return;
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
        if (get().studyElsewhere || (current && (runningItem(current) || (current.active && nextQueued(current))))) {
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
