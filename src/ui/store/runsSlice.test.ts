import { describe, expect, it } from 'vitest';
import { presets } from '../../core/config.ts';
import { applyWorkerEvent, emptyRuns, removeRun, restoreRuns, setRunLabel } from './runsSlice.ts';

describe('runs slice', () => {
  it('updates a run\'s backend and message from run-status events', () => {
    let state = applyWorkerEvent(emptyRuns, {
      type: 'run-started',
      run: { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'webgpu' },
    });
    state = applyWorkerEvent(state, { type: 'run-status', runId: 'run-1', status: 'failed', message: 'device lost' });
    expect(state.runs['run-1']).toMatchObject({ status: 'failed', message: 'device lost' });
    state = applyWorkerEvent(state, { type: 'run-status', runId: 'run-1', status: 'running', backend: 'webgl' });
    expect(state.runs['run-1']!.status).toBe('running');
    expect(state.runs['run-1']!.message).toBeUndefined();
    expect(state.runs['run-1']!.info.backend).toBe('webgl');
  });

  it('keeps a run\'s latest test scores (a resumed run is scored again when it ends)', () => {
    let state = applyWorkerEvent(emptyRuns, {
      type: 'run-started',
      run: { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'webgpu' },
    });
    const scores = (value: number) => [{ task: 'NER', metric: 'f1' as const, value, accuracy: 90 }];
    state = applyWorkerEvent(state, { type: 'test-scores', runId: 'run-1', epoch: 1, fileName: 't.conll', scores: scores(40) });
    state = applyWorkerEvent(state, { type: 'test-scores', runId: 'run-1', epoch: 3, fileName: 't.conll', scores: scores(55) });
    expect(state.runs['run-1']!.test).toEqual({ type: 'test-scores', runId: 'run-1', epoch: 3, fileName: 't.conll', scores: scores(55) });
    expect(applyWorkerEvent(state, { type: 'test-scores', runId: 'run-9', epoch: 1, fileName: 't.conll', scores: [] })).toBe(state);
  });
});

describe('restored runs', () => {
  it('folds stored events, keeps the stored status and notes, puts restored runs first; a deleted run is gone', () => {
    const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
    let state = applyWorkerEvent(emptyRuns, {
      type: 'run-started',
      run: { runId: 'run-3', label: 'new', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' },
    });
    state = restoreRuns(state, [
      {
        info: { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' },
        status: 'interrupted',
        message: 'Interrupted by a reload',
        notes: 'first try',
        checkpoints: { last: 1, best: 1 },
        events: [
          {
            type: 'epoch', runId: 'run-1', epoch: 1, step: 4, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
            dev: { scores: [], discriminatorAccuracy: [], attention: [], loss }, devScore: 40, best: true,
          },
          { type: 'live-change', change: { runId: 'run-1', step: 4, epoch: 2, settings: { learningRate: 0.1 } } },
        ],
      },
    ]);
    expect(state.order).toEqual(['run-1', 'run-3']);
    expect(state.runs['run-1']).toMatchObject({ status: 'interrupted', message: 'Interrupted by a reload', notes: 'first try', restored: true });
    expect(state.runs['run-1']!.epochs.map((e) => e.devScore)).toEqual([40]);
    expect(state.runs['run-1']!.changes).toHaveLength(1);
    state = removeRun(state, 'run-1');
    expect(state.order).toEqual(['run-3']);
    expect(state.runs['run-1']).toBeUndefined();
  });

  it('renames a run in place, keeping its history; an unknown run changes nothing', () => {
    let state = applyWorkerEvent(emptyRuns, {
      type: 'run-started',
      run: { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x', backend: 'wasm' },
    });
    state = applyWorkerEvent(state, { type: 'test-scores', runId: 'run-1', epoch: 1, fileName: 't.conll', scores: [] });
    const renamed = setRunLabel(state, 'run-1', 'MTAA lr 0.5');
    expect(renamed.runs['run-1']!.info).toMatchObject({ label: 'MTAA lr 0.5', datasetName: 'x' });
    expect(renamed.runs['run-1']!.test).toBe(state.runs['run-1']!.test);
    expect(setRunLabel(state, 'run-9', 'x')).toBe(state);
  });
});
