/**
 * What a run is, folded from the events it emits: one pure reducer for everyone who keeps run
 * state (the worker's recorder keeps the head in storage, the page keeps head and history for its
 * cards and curves, crash recovery hands the effective config to a new worker). Returns the same
 * object when an event changes nothing. Pure TypeScript.
 */
import type { RunConfig } from './config.ts';
import type { DoneEvent, EpochEvent, LiveChange, RunEvent, RunInfo, RunStatus, StepEvent, TaskBreakdown, TestScoresEvent } from './events.ts';

/** A run's identity and where it stands now. */
export interface RunHead {
  info: RunInfo;
  status: RunStatus;
  message?: string;
  /** The effective config: the run's own plus every live change (what a rebuild trains with). */
  config: RunConfig;
}

/** What a run did, in order: the curves and markers are drawn from it. */
export interface RunHistory {
  /** Step reports (losses per reporting interval). */
  steps: StepEvent[];
  /** One per finished epoch (dev scores, discriminator accuracy, β means), without the per-type breakdown. */
  epochs: EpochEvent[];
  /**
   * The latest epoch's per-type dev scores and confusion counts: kept once, not per epoch, so a
   * long run's history stays small (its test breakdown is on `test`).
   */
  devBreakdown?: { epoch: number; tasks: TaskBreakdown[] };
  /** Live-setting changes: markers on the run's curves. */
  changes: LiveChange[];
  done?: DoneEvent;
  /** Its best epoch scored on the test file loaded when it started (the latest, after a resume). */
  test?: TestScoresEvent;
}

export type RunRecord = RunHead & RunHistory;

/** Statuses of a run that may still train (a loop runs, or waits to). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['running', 'paused', 'queued'];

/** The status a run ends in: stopped when cancelled, failed when its loss diverged, else completed. */
export function statusAfterDone(reason: DoneEvent['reason']): RunStatus {
  return reason === 'cancelled' ? 'stopped' : reason === 'diverged' ? 'failed' : 'completed';
}

/** The run an event is about. */
export function runIdOf(event: RunEvent): string {
  switch (event.type) {
    case 'run-started':
      return event.run.runId;
    case 'live-change':
      return event.change.runId;
    default:
      return event.runId;
  }
}

/** A config with live changes applied. */
export function effectiveConfig(config: RunConfig, changes: readonly LiveChange[]): RunConfig {
  const next = structuredClone(config);
  for (const change of changes) Object.assign(next.train, change.settings);
  return next;
}

/** The head of a run that has just started. */
export function startedHead(info: RunInfo): RunHead {
  return { info: structuredClone(info), status: 'running', config: structuredClone(info.config) };
}

/** A run that has just started, with no history yet. */
export function startedRecord(info: RunInfo): RunRecord {
  return { ...startedHead(info), steps: [], epochs: [], changes: [] };
}

/** Folds one event into a run's head (status, message, backend, effective config). */
export function foldRunHead<T extends RunHead>(run: T, event: RunEvent): T {
  switch (event.type) {
    case 'run-status': {
      const { message: _old, ...rest } = run;
      const next = { ...rest, status: event.status, ...(event.message !== undefined ? { message: event.message } : {}) } as T;
      // A run that moved (resumed after a failure, or after a backend switch) says where it went.
      if (event.backend && event.backend !== run.info.backend) next.info = { ...run.info, backend: event.backend };
      return next;
    }
    case 'done':
      return { ...run, status: statusAfterDone(event.reason), ...(event.message ? { message: event.message } : {}) };
    case 'live-change': {
      const config = { ...run.config, train: { ...run.config.train, ...event.change.settings } };
      return { ...run, config };
    }
    case 'run-started':
    case 'step':
    case 'epoch':
    case 'test-scores':
      return run;
  }
}

/**
 * Whether a resume from the checkpoint at optimiser step `step` undoes a history event: the step
 * reports and epochs after it (they are trained again) and the run's end. So the history never
 * holds a step twice (the page's record here, the stored one in the worker's recorder).
 */
export function undoneByRewind(event: RunEvent, step: number): boolean {
  switch (event.type) {
    case 'step':
    case 'epoch':
      return event.step > step;
    case 'done':
      return true;
    default:
      return false;
  }
}

/** A run's history as it stands after a rewind to `step` (`undoneByRewind`). */
function rewound<T extends RunRecord>(run: T, step: number): T {
  const { done: _undone, ...rest } = run;
  return {
    ...rest,
    steps: run.steps.filter((e) => !undoneByRewind(e, step)),
    epochs: run.epochs.filter((e) => !undoneByRewind(e, step)),
  } as T;
}

/** Folds one event into a run's head and history. */
export function foldRun<T extends RunRecord>(run: T, event: RunEvent): T {
  const head = foldRunHead(run, event);
  switch (event.type) {
    case 'step':
      return { ...head, steps: [...run.steps, event] };
    case 'epoch': {
      const { breakdown, ...dev } = event.dev;
      if (!breakdown) return { ...head, epochs: [...run.epochs, event] };
      return { ...head, epochs: [...run.epochs, { ...event, dev }], devBreakdown: { epoch: event.epoch, tasks: breakdown } };
    }
    case 'live-change':
      return { ...head, changes: [...run.changes, event.change] };
    case 'test-scores':
      return { ...head, test: event };
    case 'done':
      return { ...head, done: event };
    case 'run-status':
      return event.rewoundTo === undefined ? head : rewound(head, event.rewoundTo);
    case 'run-started':
      return head;
  }
}
