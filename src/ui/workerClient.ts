/**
 * The page's one worker client: the only module of src/ui that knows comlink. The store reaches
 * the trainer worker through it; panels reach the worker only through the store.
 */
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { TrainerApi, WorkerEvent } from '../protocol.ts';
import { testHooksEnabled } from './urlOptions.ts';

/** The one trainer worker of the page; created lazily so tests and SSR never start it. */
let trainer: Remote<TrainerApi> | undefined;
let worker: Worker | undefined;
/** Bumped for every new worker: its lifeline lock has its own name. */
let generation = 0;

export function trainerWorker(): Remote<TrainerApi> {
  if (!trainer) {
    generation++;
    worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), {
      type: 'module',
      // The worker enables its test hooks (simulateFailure) only under this name.
      name: testHooksEnabled() ? 'mtaa-trainer:testhooks' : 'mtaa-trainer',
    });
    trainer = wrap<TrainerApi>(worker);
  }
  return trainer;
}

/**
 * Calls `onExit` once when the current worker ends (crash, out of memory, terminated). The worker
 * holds a Web Lock for its lifetime; our request for the same lock is granted only when the
 * browser releases it with the worker. No polling, and a long synchronous batch is not a "death".
 */
export async function watchTrainerWorker(onExit: () => void): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return;
  // Unique per page and worker: another tab's worker holds its own lock.
  const name = `mtaa-trainer-lifeline-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${generation}`;
  try {
    await trainerWorker().holdLifeline(name);
  } catch {
    return; // no lifeline: a crash goes unnoticed, as before; training itself is unaffected
  }
  void locks.request(name, () => onExit());
}

/** Drops the current worker (terminating it if it still runs); the next `trainerWorker()` starts a new one. */
export function replaceTrainerWorker(): void {
  worker?.terminate();
  worker = undefined;
  trainer = undefined;
}

/** Browser tests only: ends the worker abruptly, as a crash would (the page must notice by itself). */
export function killTrainerWorkerForTest(): void {
  worker?.terminate();
}

/** Hands the file's bytes to the worker without a copy (the page's buffer is emptied). */
export function movedBytes(bytes: ArrayBuffer): ArrayBuffer {
  return transfer(bytes, [bytes]);
}

/** A page function the worker may call back (the event subscription). */
export function eventListener(onEvent: (event: WorkerEvent) => void): (event: WorkerEvent) => void {
  return proxy(onEvent);
}
