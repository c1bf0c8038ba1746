/**
 * The runs part of the store: every run's head and history, folded from the worker's events by
 * src/core's run-state reducer (the one the worker's recorder folds with), plus what only the page
 * keeps of a run (shown or hidden, notes, whether it came back from storage). Pure (no React, no
 * worker), so it is unit-testable and charts read it directly.
 */
import { foldRun, runIdOf, startedRecord, type RunRecord } from '../../core/runState.ts';
import type { BackendInfo, SavedRun, WorkerEvent } from '../../protocol.ts';

export interface RunState extends RunRecord {
  /** Hidden runs keep their data but leave the charts. */
  visible: boolean;
  /** The researcher's notes on the run (kept with it in storage). */
  notes?: string;
  /** Whether it came back from storage (a reload) rather than being started in this page. */
  restored?: boolean;
  /**
   * Another tab of this browser profile trains it (its events arrive here live): it cannot be
   * resumed, stopped, deleted or continued in this tab until that tab lets go of it.
   */
  elsewhere?: boolean;
}

export interface RunsState {
  runs: Record<string, RunState>;
  /** Run ids in start order (legend and colour order). */
  order: string[];
  backend: BackendInfo | null;
}

export const emptyRuns: RunsState = { runs: {}, order: [], backend: null };

/** Folds one worker event into the runs state (returns the same object when nothing changed). */
export function applyWorkerEvent(state: RunsState, event: WorkerEvent): RunsState {
  switch (event.type) {
    case 'backend':
      return { ...state, backend: event.backend };
    case 'storage':
    case 'vectors-progress':
    case 'bert-progress':
    case 'checkpoint':
      // Weights are not history: the worker client keeps the latest for recovery (workerRecovery.ts).
      return state;
    case 'run-owner':
      return ownerChanged(state, event.runId, event.elsewhere, event.saved);
    case 'run-started': {
      const run: RunState = { ...startedRecord(event.run), visible: true };
      return { ...state, runs: { ...state.runs, [event.run.runId]: run }, order: [...state.order.filter((id) => id !== event.run.runId), event.run.runId] };
    }
    default: {
      const runId = runIdOf(event);
      const run = state.runs[runId];
      if (!run) return state;
      const next = foldRun(run, event);
      return next === run ? state : { ...state, runs: { ...state.runs, [runId]: next } };
    }
  }
}

export function setRunVisible(state: RunsState, runId: string, visible: boolean): RunsState {
  const run = state.runs[runId];
  return run ? { ...state, runs: { ...state.runs, [runId]: { ...run, visible } } } : state;
}

/** A run kept in storage as the page shows it: its stored events folded, its stored status last. */
function storedRunState(item: SavedRun, visible: boolean): RunState {
  let run: RunState = { ...startedRecord(item.info), visible, notes: item.notes, restored: true };
  for (const event of item.events) run = foldRun(run, event);
  // The stored status and message are the run's last word (an interrupted run says so).
  const { message: _old, ...rest } = run;
  return { ...rest, status: item.status, ...(item.message !== undefined ? { message: item.message } : {}), ...(item.elsewhere ? { elsewhere: true } : {}) };
}

/**
 * Another tab took a run (`elsewhere`), or let go of it: then the run is as storage has it now
 * (`saved`: its history up to its last stored record; null: deleted there), this tab's to resume.
 */
export function ownerChanged(state: RunsState, runId: string, elsewhere: boolean, saved?: SavedRun | null): RunsState {
  const run = state.runs[runId];
  if (!run) return state;
  if (saved === null) return removeRun(state, runId);
  if (saved) return { ...state, runs: { ...state.runs, [runId]: storedRunState(saved, run.visible) } };
  const { elsewhere: _was, ...rest } = run;
  return { ...state, runs: { ...state.runs, [runId]: elsewhere ? { ...rest, elsewhere: true } : rest } };
}

/**
 * Adds runs kept in storage (after a reload) by folding their stored events, before the runs of
 * this page: a run id already present is left as it is.
 */
export function restoreRuns(state: RunsState, saved: readonly SavedRun[]): RunsState {
  const runs = { ...state.runs };
  const restoredIds: string[] = [];
  for (const item of saved) {
    const runId = item.info.runId;
    if (runs[runId]) continue;
    runs[runId] = storedRunState(item, true);
    restoredIds.push(runId);
  }
  return { ...state, runs, order: [...restoredIds, ...state.order.filter((id) => !restoredIds.includes(id))] };
}

/** Drops a deleted run. */
export function removeRun(state: RunsState, runId: string): RunsState {
  if (!state.runs[runId]) return state;
  const { [runId]: _gone, ...runs } = state.runs;
  return { ...state, runs, order: state.order.filter((id) => id !== runId) };
}

export function setRunNotes(state: RunsState, runId: string, notes: string): RunsState {
  const run = state.runs[runId];
  return run ? { ...state, runs: { ...state.runs, [runId]: { ...run, notes } } } : state;
}

/** A run's new name (after the worker took it: it keeps names unique and stores them). */
export function setRunLabel(state: RunsState, runId: string, label: string): RunsState {
  const run = state.runs[runId];
  return run ? { ...state, runs: { ...state.runs, [runId]: { ...run, info: { ...run.info, label } } } } : state;
}
