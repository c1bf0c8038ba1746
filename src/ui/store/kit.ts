/**
 * What the store's slices share besides the state itself: the worker events pipeline (batched into
 * one store update per EVENT_BATCH_MS), the error banner for training actions, the options new runs
 * start with, and what the page keeps to hand a new worker when the old one dies.
 */
import type { StoreApi } from 'zustand';
import { messageOf } from '../../core/errors.ts';
import type { WorkerEvent } from '../../protocol.ts';
import { applyWorkerEvent, type RunsState } from './runsSlice.ts';
import type { WorkbenchState } from './state.ts';
import { WorkerRecovery } from './workerRecovery.ts';

/** How long worker events are gathered before the store (and React) sees them. */
const EVENT_BATCH_MS = 50;

export interface StoreKit {
  set: StoreApi<WorkbenchState>['setState'];
  get: () => WorkbenchState;
  /** Dataset sources and run checkpoints, for a new worker when the old one dies. */
  recovery: WorkerRecovery;
  /** The callback the worker's events arrive through (the subscription). */
  onEvent(event: WorkerEvent): void;
  /** Folds the events gathered so far into the runs now (e.g. the one an answer confirms). */
  flush(): void;
  /** Called after every fold of events (the study moves on when its run ends). */
  afterFlush(listener: () => void): void;
  /** Runs a training action; a failure goes to the banner instead of an unhandled rejection. */
  attempt(action: () => Promise<void>): Promise<void>;
  /** What new runs are started with besides their config. */
  runOptions(): { vectors: boolean };
}

/** The runs part of the state, as the pure runs functions take it. */
export function runsOf(state: RunsState): RunsState {
  return { runs: state.runs, order: state.order, backend: state.backend };
}

export function createKit(set: StoreKit['set'], get: StoreKit['get']): StoreKit {
  const recovery = new WorkerRecovery();
  const listeners: (() => void)[] = [];

  // Worker events arrive in bursts; fold them in one store update per EVENT_BATCH_MS.
  let queue: WorkerEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    const events = queue;
    queue = [];
    set((state) => {
      let runs = runsOf(state);
      for (const event of events) runs = applyWorkerEvent(runs, event);
      return runs;
    });
    for (const listener of listeners) listener();
  };

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'storage') {
      set({ storageError: event.ok ? null : event.message });
      return;
    }
    if (event.type === 'vectors-progress') {
      if (get().vectorsLoading?.fileName === event.fileName) set({ vectorsLoading: { fileName: event.fileName, fraction: event.fraction } });
      return;
    }
    if (event.type === 'bert-progress') {
      const { sentencesDone, sentences, etaSeconds } = event;
      set({ bertProgress: { sentencesDone, sentences, etaSeconds }, bertProgressEvents: get().bertProgressEvents + 1 });
      return;
    }
    recovery.observe(event);
    if (event.type === 'checkpoint') return;
    queue.push(event);
    flushTimer ??= setTimeout(flush, EVENT_BATCH_MS);
  };

  return {
    set,
    get,
    recovery,
    onEvent,
    flush,
    afterFlush: (listener) => void listeners.push(listener),
    async attempt(action) {
      try {
        await action();
      } catch (error) {
        set({ trainingError: messageOf(error) });
      }
    },
    runOptions: () => ({ vectors: get().useVectors && get().vectors !== null }),
  };
}
