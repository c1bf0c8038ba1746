/**
 * The runs part of the store: every run's info, status and event history, folded from the
 * worker's events. Pure (no React, no worker), so it is unit-testable and charts read it directly.
 */
import type { DoneEvent, EpochEvent, LiveChange, RunInfo, RunStatus, StepEvent, WorkerEvent, BackendInfo } from '../protocol.ts';

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
  /** Hidden runs keep their data but leave the charts. */
  visible: boolean;
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
