import { describe, expect, it } from 'vitest';
import { presets } from './config.ts';
import type { EpochEvent, RunEvent, RunInfo, StepEvent, TaskBreakdown } from './events.ts';
import { effectiveConfig, foldRun, foldRunHead, runIdOf, startedHead, startedRecord, statusAfterDone, undoneByRewind } from './runState.ts';

const info: RunInfo = { runId: 'run-1', label: 'MTAA', config: structuredClone(presets.tiny), datasetName: 'x.conll', backend: 'webgpu' };
const loss = { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 };
const step: StepEvent = {
  type: 'step', runId: 'run-1', epoch: 1, batch: 1, batches: 2, step: 1, loss, learningRate: 0.01, lambdaAdversarial: 0.5, tokensPerSecond: 10, elapsedSeconds: 1, etaSeconds: 1,
};
const epoch: EpochEvent = {
  type: 'epoch', runId: 'run-1', epoch: 1, step: 2, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0.5, train: loss,
  dev: { scores: [], discriminatorAccuracy: [], attention: [], loss }, devScore: 50, best: true,
};

describe('the run-state reducer', () => {
  it('maps every done reason to the status the run ends in', () => {
    expect(statusAfterDone('completed')).toBe('completed');
    expect(statusAfterDone('patience')).toBe('completed');
    expect(statusAfterDone('cancelled')).toBe('stopped');
    expect(statusAfterDone('diverged')).toBe('failed');
  });

  it('a resume rewound to a checkpoint drops the steps, epochs and end after it: no step is held twice', () => {
    const at = (n: number, epochNo = 1): StepEvent => ({ ...step, epoch: epochNo, batch: n, step: n });
    const change = { runId: 'run-1', step: 3, epoch: 1, settings: { learningRate: 0.1 } };
    const before: RunEvent[] = [at(1), at(2), { ...epoch, step: 2 }, at(3), { type: 'live-change', change }, at(4), { ...epoch, epoch: 2, step: 4 }];
    const crashed = [...before, { type: 'done', runId: 'run-1', reason: 'diverged', epochs: 2, bestEpoch: 2, best: [], seconds: 1 } as RunEvent].reduce(foldRun, startedRecord(info));
    // Resumed from the checkpoint at step 2 (epoch 1's end), then steps 3 and 4 trained again.
    const resumed = [
      { type: 'run-status', runId: 'run-1', status: 'running', backend: 'wasm', rewoundTo: 2 } as RunEvent,
      at(3, 2),
      at(4, 2),
    ].reduce(foldRun, crashed);
    expect(resumed.steps.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(resumed.steps.slice(2).every((e) => e.epoch === 2)).toBe(true);
    expect(resumed.epochs.map((e) => e.step)).toEqual([2]);
    expect(resumed.done).toBeUndefined();
    // A live change stays: the resumed run trains with it (its effective config holds it).
    expect(resumed.changes).toEqual([change]);
    expect(resumed.status).toBe('running');
    // Without `rewoundTo` (a paused run going on) nothing is dropped.
    const going = foldRun(crashed, { type: 'run-status', runId: 'run-1', status: 'running' });
    expect(going.steps).toHaveLength(4);
    expect([at(3), { ...epoch, step: 3 }, { ...epoch, step: 2 }].map((e) => undoneByRewind(e, 2))).toEqual([true, true, false]);
  });

  it('folds a run from its events: history in order, status, message, backend and the effective config', () => {
    const events: RunEvent[] = [
      step,
      { type: 'live-change', change: { runId: 'run-1', step: 1, epoch: 1, settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 0.5 } } },
      epoch,
      { type: 'run-status', runId: 'run-1', status: 'failed', message: 'device lost' },
      { type: 'run-status', runId: 'run-1', status: 'running', backend: 'wasm' },
      { type: 'done', runId: 'run-1', reason: 'diverged', epochs: 1, bestEpoch: 1, best: [], seconds: 3, message: 'the loss became NaN' },
    ];
    const run = events.reduce(foldRun, startedRecord(info));
    expect(run.steps).toEqual([step]);
    expect(run.epochs).toEqual([epoch]);
    expect(run.changes.map((c) => c.settings)).toEqual([{ lambdaAdversarial: 0 }]);
    expect(run.status).toBe('failed');
    expect(run.message).toBe('the loss became NaN');
    expect(run.info.backend).toBe('wasm');
    expect(run.config.train.lambdaAdversarial).toBe(0);
    expect(run.config.train.learningRate).toBe(presets.tiny.train.learningRate);
    expect(run.done?.reason).toBe('diverged');
    // The inputs are left as they were.
    expect(info.config.train.lambdaAdversarial).toBe(presets.tiny.train.lambdaAdversarial);
    expect(info.backend).toBe('webgpu');
  });

  it("keeps the latest epoch's per-type breakdown once, beside epochs stored without it, and the test file's on its event", () => {
    const ner = (f1: number): TaskBreakdown => ({
      task: 'NER',
      metric: 'f1',
      types: [{ type: 'PER', precision: f1, recall: f1, f1, support: 2, predicted: 2, correct: 1 }],
      confusion: { labels: ['O', 'PER'], counts: [[5, 1], [1, 1]], folded: [] },
      errors: { cells: [{ gold: 'O', pred: 'PER', sentences: [3], count: 1 }], types: [{ type: 'PER', sentences: [3], count: 1 }] },
    });
    const withBreakdown = (n: number, f1: number): EpochEvent => ({ ...epoch, epoch: n, dev: { ...epoch.dev, breakdown: [ner(f1)] } });
    const { errors: _errors, ...counts } = ner(60);
    const run = [withBreakdown(1, 50), withBreakdown(2, 70), { type: 'test-scores', runId: 'run-1', epoch: 2, fileName: 't.conll', scores: [], breakdown: [counts] } as RunEvent].reduce(
      foldRun,
      startedRecord(info),
    );
    expect(run.devBreakdown).toEqual({ epoch: 2, tasks: [ner(70)] });
    expect(run.epochs.map((e) => [e.epoch, 'breakdown' in e.dev])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(run.epochs[1]!.dev).toEqual(epoch.dev);
    expect(run.test?.breakdown).toEqual([counts]);
    // an epoch without a breakdown (a run saved before they were reported) leaves the last one
    expect(foldRun(run, { ...epoch, epoch: 3 }).devBreakdown).toEqual(run.devBreakdown);
  });

  it('a status without a message clears the previous one; a step leaves the head as it was', () => {
    const failed = foldRunHead(startedHead(info), { type: 'run-status', runId: 'run-1', status: 'failed', message: 'boom' });
    const resumed = foldRunHead(failed, { type: 'run-status', runId: 'run-1', status: 'running' });
    expect('message' in resumed).toBe(false);
    expect(foldRunHead(resumed, step)).toBe(resumed);
  });

  it('effectiveConfig applies live changes in order; runIdOf names the run of every event', () => {
    const changes = [
      { runId: 'run-1', step: 1, epoch: 1, settings: { learningRate: 0.5 } },
      { runId: 'run-1', step: 2, epoch: 1, settings: { learningRate: 0.25, lambdaOrthogonality: 1 } },
    ];
    const config = effectiveConfig(info.config, changes);
    expect([config.train.learningRate, config.train.lambdaOrthogonality]).toEqual([0.25, 1]);
    expect(runIdOf({ type: 'run-started', run: info })).toBe('run-1');
    expect(runIdOf({ type: 'live-change', change: changes[0]! })).toBe('run-1');
    expect(runIdOf(epoch)).toBe('run-1');
  });
});
