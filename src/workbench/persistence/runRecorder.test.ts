/**
 * The recorder over an in-memory storage: a run's record, events and checkpoints are written and
 * come back after a "reload" (a new recorder on the same storage), a run that was training comes
 * back interrupted, a failed write (quota) is reported and retried rather than dropped, and a
 * deleted run leaves nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { buildVocabularies } from '../../data/index.ts';
import { presets } from '../../core/config.ts';
import type { EpochEvent, RunInfo, StepEvent, TaskBreakdown } from '../../core/events.ts';
import { foldRun, startedRecord } from '../../core/runState.ts';
import type { WorkerEvent } from '../../protocol.ts';
import { RunRecorder } from './runRecorder.ts';
import { MemoryRunStorage } from './runStorage.ts';

const info: RunInfo = { runId: 'run-1', label: 'MTAA', config: presets.tiny, datasetName: 'toy.conll', datasetHash: 'abc', backend: 'wasm' };
const tasks = [{ name: 'POS', column: 1, scheme: 'plain' as const }];
const vocabularies = buildVocabularies([{ words: ['a', 'b'], tags: [['X', 'Y']] }], 1);
const loss = { total: 1, tasks: { POS: 1 }, adversarial: 0, orthogonality: 0 };

function step(n: number): StepEvent {
  return { type: 'step', runId: 'run-1', epoch: 1, batch: n, batches: 2, step: n, loss, learningRate: 0.01, lambdaAdversarial: 0, tokensPerSecond: 1, threads: 1, elapsedSeconds: 1, etaSeconds: 1 };
}
function epoch(n: number, score: number): EpochEvent {
  return {
    type: 'epoch', runId: 'run-1', epoch: n, step: 2 * n, seconds: 1, learningRate: 0.01, lambdaAdversarial: 0, train: loss,
    dev: { scores: [{ task: 'POS', metric: 'accuracy', value: score, accuracy: score }], discriminatorAccuracy: [], attention: [], loss },
    devScore: score, best: true,
  };
}

function recorder(storage: MemoryRunStorage, reports: { ok: boolean; message: string }[] = []) {
  return new RunRecorder(storage, { onStorage: (r) => reports.push(r), flushMs: 60_000, currentOverrides: () => [{ column: 1, role: 'tag', name: 'POS' }] });
}

describe('RunRecorder', () => {
  it('keeps a run, its events and checkpoints; a run that was training comes back interrupted', async () => {
    const storage = new MemoryRunStorage();
    const first = recorder(storage);
    const events: WorkerEvent[] = [{ type: 'run-started', run: info }, step(1), step(2), epoch(1, 50)];
    events.forEach((e) => first.record(e));
    first.checkpoint('run-1', {
      last: { epoch: 1, step: 2, weights: [{ name: 'w', shape: [2], data: Float32Array.of(1, 2) }] },
      best: { epoch: 1, step: 2, weights: [{ name: 'w', shape: [2], data: Float32Array.of(1, 2) }], score: 50, scores: epoch(1, 50).dev.scores },
      model: { tasks, vocabularies },
    });
    first.setNotes('run-1', 'lr too high?');
    first.setLabel('run-1', 'MTAA lr 0.5');
    first.record({ type: 'live-change', change: { runId: 'run-1', step: 2, epoch: 2, settings: { learningRate: 0.5 } } });
    await first.flush();
    expect(first.pending()).toEqual({ runs: 0, events: 0, checkpoints: 0 });

    const [loaded, ...rest] = await recorder(storage).load();
    expect(rest).toHaveLength(0);
    expect(loaded!.saved.status).toBe('interrupted');
    expect(loaded!.saved.message).toContain('epoch 1');
    expect(loaded!.saved.notes).toBe('lr too high?');
    expect(loaded!.saved.info.label).toBe('MTAA lr 0.5');
    expect(loaded!.saved.events.map((e) => e.type)).toEqual(['step', 'step', 'epoch', 'live-change']);
    expect(loaded!.run.config.train.learningRate).toBe(0.5);
    expect(loaded!.run.overrides).toEqual([{ column: 1, role: 'tag', name: 'POS' }]);
    expect(loaded!.run.datasetHash).toBe('abc');
    expect(Array.from(loaded!.last!.weights[0]!.data)).toEqual([1, 2]);
    expect(loaded!.best!.score).toBe(50);
    expect(loaded!.host!.tasks).toEqual(tasks);
    expect(loaded!.saved.checkpoints).toEqual({ last: 1, best: 1 });
    // The interrupted status was written back.
    expect((await storage.runs())[0]!.status).toBe('interrupted');
  });

  it('keeps the per-type breakdowns of dev and test: the run folded from the loaded events shows them again', async () => {
    const breakdown = (accuracy: number): TaskBreakdown => ({
      task: 'POS',
      metric: 'accuracy',
      types: [{ type: 'X', precision: accuracy, recall: accuracy, f1: accuracy, support: 1, predicted: 1, correct: 1 }],
      confusion: { labels: ['X', 'Y'], counts: [[1, 0], [1, 0]], folded: [] },
    });
    const dev = { ...breakdown(50), errors: { cells: [{ gold: 'Y', pred: 'X', sentences: [0], count: 1 }], types: [{ type: 'Y', sentences: [0], count: 1 }] } };
    const storage = new MemoryRunStorage();
    const rec = recorder(storage);
    const withBreakdown = { ...epoch(1, 50), dev: { ...epoch(1, 50).dev, breakdown: [dev] } };
    rec.record({ type: 'run-started', run: info });
    rec.record(withBreakdown);
    rec.record({ type: 'test-scores', runId: 'run-1', epoch: 1, fileName: 'toy.test', scores: [], breakdown: [breakdown(40)] });
    rec.record({ type: 'done', runId: 'run-1', reason: 'completed', epochs: 1, bestEpoch: 1, best: [], seconds: 1 });
    await rec.flush();
    const [loaded] = await recorder(storage).load();
    const run = loaded!.saved.events.reduce(foldRun, startedRecord(info));
    expect(run.devBreakdown).toEqual({ epoch: 1, tasks: [dev] });
    expect(run.test?.breakdown).toEqual([breakdown(40)]);
  });

  it('a resume drops the stored and pending history after its checkpoint before the new history is written', async () => {
    const storage = new MemoryRunStorage();
    const rec = recorder(storage);
    rec.record({ type: 'run-started', run: info });
    [step(1), step(2), epoch(1, 50), step(3), step(4)].forEach((e) => rec.record(e));
    await rec.flush();
    rec.record(step(5)); // pending, not yet written when the run is rewound
    rec.record({ type: 'run-status', runId: 'run-1', status: 'running', rewoundTo: 2 });
    rec.record({ ...step(3), epoch: 2 });
    await rec.flush();
    const stored = await storage.events('run-1');
    expect(stored.map((e) => `${e.type}@${'step' in e ? e.step : ''}`)).toEqual(['step@1', 'step@2', 'epoch@2', 'step@3']);
    expect(stored.at(-1)).toMatchObject({ type: 'step', step: 3, epoch: 2 });
    const [loaded] = await recorder(storage).load();
    expect(loaded!.saved.events.filter((e) => e.type === 'step').map((e) => (e.type === 'step' ? e.step : 0))).toEqual([1, 2, 3]);
  });

  it('a rewind that fails to be written (full quota) is retried before newer events are appended', async () => {
    const storage = new MemoryRunStorage();
    const reports: { ok: boolean; message: string }[] = [];
    const rec = recorder(storage, reports);
    rec.record({ type: 'run-started', run: info });
    [step(1), step(2), step(3)].forEach((e) => rec.record(e));
    await rec.flush();
    rec.record({ type: 'run-status', runId: 'run-1', status: 'running', rewoundTo: 1 });
    storage.failNextWrite = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    await rec.flush();
    expect(reports.at(-1)?.ok).toBe(false);
    rec.record(step(2));
    await rec.flush();
    expect(reports.at(-1)).toEqual({ ok: true, message: 'Runs are saved again.' });
    expect((await storage.events('run-1')).map((e) => (e.type === 'step' ? e.step : -1))).toEqual([1, 2]);
  });

  it('a checkpoint taken mid-epoch comes back with its batch, and the run says where Resume continues', async () => {
    const storage = new MemoryRunStorage();
    const rec = recorder(storage);
    rec.record({ type: 'run-started', run: info });
    rec.checkpoint('run-1', { last: { epoch: 1, step: 7, batch: 5, weights: [{ name: 'w', shape: [1], data: Float32Array.of(3) }] }, best: null, model: { tasks, vocabularies } });
    await rec.flush();
    const [loaded] = await recorder(storage).load();
    expect(loaded!.last).toMatchObject({ epoch: 1, step: 7, batch: 5 });
    expect(loaded!.best).toBeNull();
    expect(loaded!.saved.message).toContain('Resume continues from batch 5 of epoch 2');
  });

  it('a completed run stays completed', async () => {
    const storage = new MemoryRunStorage();
    const rec = recorder(storage);
    rec.record({ type: 'run-started', run: info });
    rec.record({ type: 'done', runId: 'run-1', reason: 'completed', epochs: 1, bestEpoch: 1, best: [], seconds: 1 });
    await rec.flush();
    const [loaded] = await recorder(storage).load();
    expect(loaded!.saved.status).toBe('completed');
    expect(loaded!.saved.events.map((e) => e.type)).toEqual(['done']);
  });

  it('keeps test scores with the run: they come back after a reload, in event order', async () => {
    const storage = new MemoryRunStorage();
    const rec = recorder(storage);
    const scores = [{ task: 'POS', metric: 'accuracy' as const, value: 61.5, accuracy: 61.5 }];
    rec.record({ type: 'run-started', run: info });
    rec.record(epoch(1, 50));
    rec.record({ type: 'test-scores', runId: 'run-1', epoch: 1, fileName: 'toy.test', scores });
    rec.record({ type: 'done', runId: 'run-1', reason: 'completed', epochs: 1, bestEpoch: 1, best: [], seconds: 1 });
    await rec.flush();
    const [loaded] = await recorder(storage).load();
    expect(loaded!.saved.events.map((e) => e.type)).toEqual(['epoch', 'test-scores', 'done']);
    expect(loaded!.saved.events[1]).toEqual({ type: 'test-scores', runId: 'run-1', epoch: 1, fileName: 'toy.test', scores });
  });

  it('reports a full quota and keeps what it could not write until a write succeeds', async () => {
    const storage = new MemoryRunStorage();
    const reports: { ok: boolean; message: string }[] = [];
    const rec = recorder(storage, reports);
    rec.record({ type: 'run-started', run: info });
    rec.record(step(1));
    storage.failNextWrite = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    await rec.flush();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.ok).toBe(false);
    expect(reports[0]!.message).toMatch(/storage is full: 1 run record, 1 event could not be saved/);
    expect(rec.pending()).toEqual({ runs: 1, events: 1, checkpoints: 0 });
    rec.record(step(2));
    await rec.flush();
    expect(reports.at(-1)).toEqual({ ok: true, message: 'Runs are saved again.' });
    expect((await storage.events('run-1')).map((e) => (e.type === 'step' ? e.step : -1))).toEqual([1, 2]);
  });

  it('a deleted run leaves nothing in storage (record, events, epoch and time checkpoints, best), and later events for it are ignored', async () => {
    const storage = new MemoryRunStorage();
    const empty = await storage.recordCounts();
    const rec = recorder(storage);
    const model = { tasks, vocabularies };
    const weights = [{ name: 'w', shape: [1], data: Float32Array.of(1) }];
    rec.record({ type: 'run-started', run: info });
    rec.record(step(1));
    rec.checkpoint('run-1', { last: { epoch: 0, step: 1, batch: 1, weights }, best: null, model });
    await rec.flush();
    rec.record(epoch(1, 10));
    rec.checkpoint('run-1', { last: { epoch: 1, step: 2, weights }, best: { epoch: 1, step: 2, weights, score: 10, scores: [] }, model });
    await rec.flush();
    expect(await storage.recordCounts()).toMatchObject({ runs: 1, events: 2, checkpoints: 2 });
    rec.record(step(3));
    // A time checkpoint still pending when the run is deleted is dropped too.
    rec.checkpoint('run-1', { last: { epoch: 1, step: 3, batch: 1, weights }, best: null, model });
    expect(await rec.forget('run-1')).toEqual({ datasetHash: 'abc' });
    rec.record(epoch(2, 10));
    rec.checkpoint('run-1', { last: { epoch: 2, step: 4, weights }, best: null, model });
    await rec.flush();
    expect(rec.pending()).toEqual({ runs: 0, events: 0, checkpoints: 0 });
    expect(await storage.recordCounts()).toEqual(empty);
    expect(await storage.runs()).toEqual([]);
    expect(await storage.events('run-1')).toEqual([]);
    expect(await storage.checkpoint('run-1', 'last')).toBeUndefined();
  });
});
