/**
 * Questions to a run's model (the attention inspector, tag text): answers go to the asking panel,
 * not into the state, since they are that panel's view; the store is the panels' one way to the worker.
 * The one piece of state is where another panel asked the inspector to look (a dev sentence with an
 * error, from the scores panel): the inspector opens it.
 */
import { trainerWorker } from '../workerClient.ts';
import type { StoreKit } from './kit.ts';
import type { InspectSlice } from './state.ts';

export function createInspectSlice(kit: Pick<StoreKit, 'set' | 'get'>): InspectSlice {
  return {
    devSentences: (limit, runId) => trainerWorker().devSentences(limit, runId),
    inspectSentence: (runId, request) => trainerWorker().inspectSentence(runId, request),
    tagText: (runId, text) => trainerWorker().tagText(runId, text),
    inspectTarget: null,
    // The inspector is a view of the main pane: opening a sentence in it shows it.
    openInInspector: (runId, devIndex) => kit.set({ view: 'inspector', inspectTarget: { runId, devIndex, seq: (kit.get().inspectTarget?.seq ?? 0) + 1 } }),
  };
}
