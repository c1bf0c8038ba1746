import { describe, expect, it } from 'vitest';
import type { RunCheckpoint, WorkerEvent } from '../../protocol.ts';
import { presets } from '../../core/config.ts';
import type { RunState } from './runsSlice.ts';
import { foldRun, startedRecord } from '../../core/runState.ts';
import { WorkerRecovery } from './workerRecovery.ts';

const checkpoint = (epoch: number): RunCheckpoint => ({ epoch, step: epoch * 4, weights: [{ name: 'w', shape: [1], data: Float32Array.of(epoch) }] });
const saved = (runId: string, epoch: number, best: boolean): WorkerEvent => ({ type: 'checkpoint', runId, checkpoint: checkpoint(epoch), best, score: epoch, scores: [] });

/** A run with one live change (lr 0.5), folded as the store folds it. */
function run(runId: string, status: RunState['status'], datasetName = 'a.conll'): RunState {
  const started: RunState = { ...startedRecord({ runId, label: runId, config: structuredClone(presets.tiny), datasetName, backend: 'wasm' }), visible: true };
  return { ...foldRun(started, { type: 'live-change', change: { runId, step: 3, epoch: 1, settings: { learningRate: 0.5 } } }), status };
}

describe('WorkerRecovery', () => {
  it('a file added to the dataset (partial labels) is part of its source, under the merged name; a new load drops it', () => {
    const recovery = new WorkerRecovery();
    const primary = new File(['John B-PER\n'], 'ner.conll');
    const added = new File(['the DT\n'], 'pos.conll');
    recovery.datasetLoaded('ner.conll', { kind: 'file', file: primary, overrides: [] });
    recovery.fileAdded('ner.conll + pos.conll', added);
    recovery.observe({ type: 'run-started', run: run('run-1', 'running', 'ner.conll + pos.conll').info });
    const needed = recovery.datasetFor([run('run-1', 'running', 'ner.conll + pos.conll')]);
    expect(needed?.name).toBe('ner.conll + pos.conll');
    expect(needed?.source).toMatchObject({ kind: 'file', file: primary, added: [added] });
    recovery.datasetLoaded('other.conll', { kind: 'file', file: added, overrides: [] });
    expect(recovery.currentSource()?.source.added).toBeUndefined();
  });

  it('keeps the latest and the best checkpoint of each run', () => {
    const recovery = new WorkerRecovery();
    recovery.datasetLoaded('a.conll', { kind: 'sample' });
    recovery.observe({ type: 'run-started', run: run('run-1', 'running').info });
    for (const event of [saved('run-1', 1, true), saved('run-1', 2, true), saved('run-1', 3, false)]) recovery.observe(event);
    const [restored] = recovery.restoredRuns([run('run-1', 'running')], 'a.conll', (r) => `was ${r.status}`);
    expect(restored!.last!.epoch).toBe(3);
    expect(restored!.best).toMatchObject({ epoch: 2, score: 2 });
    expect(restored!.status).toBe('failed');
    expect(restored!.message).toBe('was running');
    expect(restored!.died).toBe(true);
    expect(restored!.config.train.learningRate).toBe(0.5);
  });

  it('drops the checkpoints of a deleted run (weights the page would otherwise keep all session)', () => {
    const recovery = new WorkerRecovery();
    recovery.datasetLoaded('a.conll', { kind: 'sample' });
    for (const runId of ['run-1', 'run-2']) recovery.observe(saved(runId, 1, true));
    recovery.forget('run-1');
    const restored = recovery.restoredRuns([run('run-1', 'running'), run('run-2', 'running')], 'a.conll', () => 'died');
    expect(restored.map((r) => [r.info.runId, r.last?.epoch ?? null, r.best?.epoch ?? null])).toEqual([
      ['run-1', null, null],
      ['run-2', 1, 1],
    ]);
  });

  it('hands over resumable runs of the dataset it can reload, and remembers each run’s dataset', () => {
    const recovery = new WorkerRecovery();
    const file = new File(['x'], 'a.conll');
    recovery.datasetLoaded('a.conll', { kind: 'file', file, overrides: [] });
    recovery.overridesApplied([{ column: 1, role: 'other' }]);
    recovery.observe({ type: 'run-started', run: run('run-1', 'running').info });
    recovery.datasetLoaded('b.conll', { kind: 'sample' });
    const runs = [run('run-1', 'paused'), run('run-2', 'completed'), run('run-3', 'interrupted')];
    const needed = recovery.datasetFor(runs);
    expect(needed?.name).toBe('a.conll');
    expect(needed?.source).toMatchObject({ kind: 'file', file, overrides: [{ column: 1 }] });
    expect(recovery.currentSource()?.name).toBe('b.conll');
    const restored = recovery.restoredRuns(runs, 'a.conll', () => 'died');
    expect(restored.map((r) => [r.info.runId, r.status, r.last])).toEqual([
      ['run-1', 'failed', null],
      ['run-3', 'interrupted', null],
    ]);
  });

  it('keeps no File once the worker says it keeps datasets in IndexedDB; hands every resumable run over then', () => {
    const recovery = new WorkerRecovery();
    const file = new File(['x'], 'a.conll');
    // Before the worker said, a dropped File is kept (it may be the only copy).
    recovery.datasetLoaded('a.conll', { kind: 'file', file, overrides: [] });
    expect(recovery.currentSource()?.source).toMatchObject({ kind: 'file', file });
    recovery.storageKnown(true);
    expect(recovery.currentSource()).toBeNull();
    recovery.datasetLoaded('b.conll', { kind: 'file', file: new File(['y'], 'b.conll'), overrides: [] });
    recovery.fileAdded('b.conll + c.conll', new File(['z'], 'c.conll'));
    recovery.observe({ type: 'run-started', run: run('run-1', 'running', 'b.conll').info });
    expect(recovery.currentSource()).toBeNull();
    expect(recovery.datasetFor([run('run-1', 'running', 'b.conll')])).toBeNull();
    // The new worker finds the runs' data itself: every resumable run goes, whatever its dataset.
    const handed = recovery.restoredRuns([run('run-1', 'running', 'b.conll'), run('run-2', 'interrupted', 'a.conll'), run('run-3', 'completed')], null, () => 'died');
    expect(handed.map((r) => [r.info.runId, r.status])).toEqual([
      ['run-1', 'failed'],
      ['run-2', 'interrupted'],
    ]);
  });

  it('without IndexedDB the Files stay the way a new worker gets the dataset', () => {
    const recovery = new WorkerRecovery();
    recovery.storageKnown(false);
    const file = new File(['x'], 'a.conll');
    recovery.datasetLoaded('a.conll', { kind: 'file', file, overrides: [] });
    expect(recovery.currentSource()).toEqual({ name: 'a.conll', source: { kind: 'file', file, overrides: [] } });
  });

  it('hands a new worker the effective config: the live changes applied in order', () => {
    const r = foldRun(run('run-1', 'running'), { type: 'live-change', change: { runId: 'run-1', step: 5, epoch: 2, settings: { learningRate: 0.25, lambdaAdversarial: 0 } } });
    const [restored] = new WorkerRecovery().restoredRuns([r], 'a.conll', () => 'died');
    expect(restored!.config.train).toMatchObject({ learningRate: 0.25, lambdaAdversarial: 0 });
    expect(r.info.config.train.learningRate).not.toBe(0.25);
  });
});
