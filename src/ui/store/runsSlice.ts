/**
 * The runs part of the store: every run's info, status and event history, folded from the
 * worker's events. Pure (no React, no worker), so it is unit-testable and charts read it directly.
 */
import type { DoneEvent, EpochEvent, LiveChange, RunInfo, RunStatus, SavedRun, StepEvent, TestScoresEvent, WorkerEvent, BackendInfo } from '../../protocol.ts';

export interface RunState {
  info: RunInfo;
  status: RunStatus;
  message?: string;
  /** Step reports (losses per reporting interval), in order. */
  steps: StepEvent[];
  /** One per finished epoch (dev scores, discriminator accuracy, β means). */
  epochs: EpochEvent[];
  /** Live-setting changes: markers on this run's curves. */
  changes: LiveChange[];
  done?: DoneEvent;
  /** Its best epoch scored on the test file loaded when it started (the latest, after a resume). */
  test?: TestScoresEvent;
  /** Hidden runs keep their data but leave the charts. */
  visible: boolean;
  /** The researcher's notes on the run (kept with it in storage). */
  notes?: string;
  /** Whether it came back from storage (a reload) rather than being started in this page. */
  restored?: boolean;
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
  const update = (runId: string, patch: (run: RunState) => Partial<RunState>): RunsState => {
    const run = state.runs[runId];
    if (!run) return state;
    return { ...state, runs: { ...state.runs, [runId]: { ...run, ...patch(run) } } };
  };
  switch (event.type) {
    case 'backend':
      return { ...state, backend: event.backend };
    case 'storage':
    case 'vectors-progress':
      return state;
    case 'run-started': {
      const run: RunState = { info: event.run, status: 'running', steps: [], epochs: [], changes: [], visible: true };
      return { ...state, runs: { ...state.runs, [event.run.runId]: run }, order: [...state.order.filter((id) => id !== event.run.runId), event.run.runId] };
    }
    case 'run-status':
      return update(event.runId, (run) => {
        const next: Partial<RunState> = { status: event.status, message: event.message };
        // A run that moved (resumed after a failure, or after a backend switch) says where it went.
        if (event.backend && event.backend !== run.info.backend) next.info = { ...run.info, backend: event.backend };
        return next;
      });
    case 'live-change':
      return update(event.change.runId, (run) => ({ changes: [...run.changes, event.change] }));
    case 'step':
      return update(event.runId, (run) => ({ steps: [...run.steps, event] }));
    case 'epoch':
      return update(event.runId, (run) => ({ epochs: [...run.epochs, event] }));
    case 'checkpoint':
      // Weights are not history: the worker client keeps the latest for recovery (workerRecovery.ts).
      return state;
    case 'test-scores':
      return update(event.runId, () => ({ test: event }));
    case 'done':
      return update(event.runId, () => ({
        done: event,
        status: event.reason === 'cancelled' ? 'stopped' : event.reason === 'diverged' ? 'failed' : 'completed',
        ...(event.message ? { message: event.message } : {}),
      }));
  }
}

export function setRunVisible(state: RunsState, runId: string, visible: boolean): RunsState {
  const run = state.runs[runId];
  return run ? { ...state, runs: { ...state.runs, [runId]: { ...run, visible } } } : state;
}

/**
 * Adds runs kept in storage (after a reload) by folding their stored events, before the runs of
 * this page: a run id already present is left as it is.
 */
export function restoreRuns(state: RunsState, saved: readonly SavedRun[]): RunsState {
  let next: RunsState = { ...state, runs: { ...state.runs } };
  const restoredIds: string[] = [];
  for (const item of saved) {
    const runId = item.info.runId;
    if (next.runs[runId]) continue;
    next.runs[runId] = { info: item.info, status: 'running', steps: [], epochs: [], changes: [], visible: true, notes: item.notes, restored: true };
    for (const event of item.events) next = applyWorkerEvent(next, event);
    const run = next.runs[runId]!;
    const { message: _old, ...rest } = run;
    next.runs[runId] = { ...rest, status: item.status, ...(item.message !== undefined ? { message: item.message } : {}) };
    restoredIds.push(runId);
  }
  return { ...next, order: [...restoredIds, ...next.order.filter((id) => !restoredIds.includes(id))] };
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
