import type { SentenceInspection } from '../protocol.ts';

/**
 * What the Tag text panel shows, as a reducer (pure, so the ordering rules are unit-tested):
 *
 * - an answer is shown only under the model that produced it: choosing another model hides it;
 * - a new request takes the previous answer off the page at once (it may be another model's, and
 *   would otherwise stand, looking like this request's, until the worker answers);
 * - only the latest request's answer (or error) is taken; an older one arriving late is dropped.
 *
 * Without these, tagging with run-2 right after run-3 showed run-3's tags until run-2's came back:
 * anyone (or any test) reading the page in between read another model's tags under run-2's name.
 */
export interface TagTextResult {
  runId: string;
  sentences: SentenceInspection[];
}

export interface TagTextState {
  /** The request whose answer is awaited; null when none is. */
  pending: { request: number; runId: string } | null;
  result: TagTextResult | null;
  error: string | null;
}

export type TagTextAction =
  | { type: 'submit'; request: number; runId: string }
  | { type: 'answer'; request: number; sentences: SentenceInspection[] }
  | { type: 'fail'; request: number; message: string };

export const initialTagText: TagTextState = { pending: null, result: null, error: null };

export function tagTextReducer(state: TagTextState, action: TagTextAction): TagTextState {
  switch (action.type) {
    case 'submit':
      return { pending: { request: action.request, runId: action.runId }, result: null, error: null };
    case 'answer':
      if (state.pending?.request !== action.request) return state;
      return { pending: null, result: { runId: state.pending.runId, sentences: action.sentences }, error: null };
    case 'fail':
      if (state.pending?.request !== action.request) return state;
      return { pending: null, result: null, error: action.message };
  }
}

/** The answer to show with `runId` chosen: only that model's own, and none while a request is out. */
export function shownTagResult(state: TagTextState, runId: string | null): TagTextResult | null {
  if (state.pending || !state.result || state.result.runId !== runId) return null;
  return state.result;
}
