import { wrap, type Remote } from 'comlink';
import type { TrainerApi } from '../protocol.ts';
import { testHooksEnabled } from './urlOptions.ts';

/** The one trainer worker of the page; created lazily so tests and SSR never start it. */
let trainer: Remote<TrainerApi> | undefined;

export function trainerWorker(): Remote<TrainerApi> {
  if (!trainer) {
    const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), {
      type: 'module',
      // The worker enables its test hooks (simulateFailure) only under this name.
      name: testHooksEnabled() ? 'mtaa-trainer:testhooks' : 'mtaa-trainer',
    });
    trainer = wrap<TrainerApi>(worker);
  }
  return trainer;
}
