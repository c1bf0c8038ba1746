/** The page's side of run ownership across tabs: another tab's run is marked, followed, and given back as stored. */
import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import type { SavedRun, StepEvent } from '../../protocol.ts';
import { applyWorkerEvent, emptyRuns, restoreRuns } from './runsSlice.ts';

const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
const step = (n: number): StepEvent => ({
  type: 'step', runId: 'run-1', epoch: 1, batch: n, batches: 9, step: n, loss, learningRate: 0.01, lambdaAdversarial: 0, tokensPerSecond: 1, elapsedSeconds: n, etaSeconds: 1,
});
const saved = (over: Partial<SavedRun>): SavedRun => ({
  info: { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' },
  status: 'running',
  notes: 'kept',
  events: [step(1), step(2)],
  checkpoints: { last: null, best: null },
  ...over,
});

describe('runs of another tab', () => {
  it('a stored run another tab trains is marked so with its stored status; its live reports add to its history', () => {
    let state = restoreRuns(emptyRuns, [saved({ elsewhere: true })]);
    expect(state.runs['run-1']).toMatchObject({ status: 'running', elsewhere: true, notes: 'kept' });
    state = applyWorkerEvent(state, step(3));
    expect(state.runs['run-1']!.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(state.runs['run-1']!.elsewhere).toBe(true);
  });

  it('released, the run is as storage has it (interrupted, its history up to the last stored record); deleted there, it goes', () => {
    let state = restoreRuns(emptyRuns, [saved({ elsewhere: true })]);
    state = applyWorkerEvent(state, step(3));
    state = applyWorkerEvent(state, step(4));
    state = applyWorkerEvent(state, {
      type: 'run-owner',
      runId: 'run-1',
      elsewhere: false,
      saved: saved({ status: 'interrupted', message: 'Interrupted … Resume continues from epoch 0.', events: [step(1), step(2), step(3)] }),
    });
    const run = state.runs['run-1']!;
    expect(run).toMatchObject({ status: 'interrupted', message: 'Interrupted … Resume continues from epoch 0.', restored: true });
    expect(run.elsewhere).toBeUndefined();
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    // Taken by another tab again, then deleted there.
    state = applyWorkerEvent(state, { type: 'run-owner', runId: 'run-1', elsewhere: true });
    expect(state.runs['run-1']!.elsewhere).toBe(true);
    state = applyWorkerEvent(state, { type: 'run-owner', runId: 'run-1', elsewhere: false, saved: null });
    expect(state.runs['run-1']).toBeUndefined();
    expect(state.order).toEqual([]);
  });
});
