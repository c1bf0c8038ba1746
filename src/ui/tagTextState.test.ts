import { describe, expect, it } from 'vitest';
import type { SentenceInspection } from '../protocol.ts';
import { initialTagText, shownTagResult, tagTextReducer, type TagTextAction, type TagTextState } from './tagTextState.ts';

/** One tagged sentence whose single task predicts `tags`. */
const tagged = (...tags: string[]): SentenceInspection[] => [
  { words: tags.map((_, i) => `w${i}`), tasks: [{ task: 'UPOS', predicted: tags, gold: null, representations: [], beta: null }] },
];

const run = (actions: TagTextAction[], from: TagTextState = initialTagText) => actions.reduce(tagTextReducer, from);

describe('Tag text panel state', () => {
  // The flaky e2e journey (research.spec.ts, "an imported model continues training"): tag with the
  // continued run-3, then choose the imported run-2 and tag again. The page read between the click
  // and run-2's answer must not show run-3's tags as if they were run-2's.
  const continued = tagged('PRON', 'AUX', 'ADV');
  const imported = tagged('PRON', 'PRON', 'NOUN');
  const afterRun3 = run([
    { type: 'submit', request: 1, runId: 'run-3' },
    { type: 'answer', request: 1, sentences: continued },
  ]);

  it("shows a model's answer under that model only", () => {
    expect(shownTagResult(afterRun3, 'run-3')).toEqual({ runId: 'run-3', sentences: continued });
    // Choosing run-2 in the menu: run-3's tags leave the page.
    expect(shownTagResult(afterRun3, 'run-2')).toBeNull();
  });

  it('a new request takes the previous answer off the page until its own comes back', () => {
    const asked = run([{ type: 'submit', request: 2, runId: 'run-2' }], afterRun3);
    expect(asked.pending).toEqual({ request: 2, runId: 'run-2' });
    expect(shownTagResult(asked, 'run-2')).toBeNull();
    expect(shownTagResult(asked, 'run-3')).toBeNull();
    const answered = run([{ type: 'answer', request: 2, sentences: imported }], asked);
    expect(answered.pending).toBeNull();
    expect(shownTagResult(answered, 'run-2')).toEqual({ runId: 'run-2', sentences: imported });
  });

  it('takes only the latest request\'s answer: an older one arriving late is dropped', () => {
    const state = run([
      { type: 'submit', request: 1, runId: 'run-3' },
      { type: 'submit', request: 2, runId: 'run-2' },
      { type: 'answer', request: 1, sentences: continued },
    ]);
    expect(state.pending?.request).toBe(2);
    expect(shownTagResult(state, 'run-2')).toBeNull();
    expect(shownTagResult(state, 'run-3')).toBeNull();
    const done = run([{ type: 'answer', request: 2, sentences: imported }], state);
    expect(shownTagResult(done, 'run-2')?.sentences).toBe(imported);
    // …and a late failure of an older request changes nothing either.
    expect(run([{ type: 'fail', request: 1, message: 'late' }], done)).toBe(done);
  });

  it('an error replaces the answer; the next request clears it', () => {
    const failed = run([
      { type: 'submit', request: 2, runId: 'run-2' },
      { type: 'fail', request: 2, message: 'run-2 has no model in memory' },
    ], afterRun3);
    expect(failed.error).toBe('run-2 has no model in memory');
    expect(shownTagResult(failed, 'run-3')).toBeNull();
    expect(run([{ type: 'submit', request: 3, runId: 'run-2' }], failed).error).toBeNull();
  });
});
