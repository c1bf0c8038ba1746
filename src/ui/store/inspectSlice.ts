/**
 * Questions to a run's model (the attention inspector, tag text): answers go to the asking panel,
 * not into the state, since they are that panel's view; the store is the panels' one way to the worker.
 */
import { trainerWorker } from '../workerClient.ts';
import type { InspectSlice } from './state.ts';


export function createInspectSlice(): InspectSlice {
  return {
    devSentences: (limit, runId) => trainerWorker().devSentences(limit, runId),
    inspectSentence: (runId, request) => trainerWorker().inspectSentence(runId, request),
    tagText: (runId, text) => trainerWorker().tagText(runId, text),
  };
}
