/**
 * The session's state machine with a fake trainer and fake backends (no tfjs): start, pause /
 * step / resume, stop, live changes, failure and recovery on the next backend from the host
 * checkpoint, divergence, interruption by a backend switch, device loss, siblings, throttling.
 */
import { describe, expect, it } from 'vitest';
import { buildVocabularies, splitTrainDev, type Dataset } from '../../data/index.ts';
import type { Sentence } from '../../data/types.ts';
import { presets, type Backend, type RunConfig } from '../../core/config.ts';
import type { DoneEvent, EpochEvent, RunEvent, RunInfo, RunStatus, StepEvent, TaskBreakdown } from '../../core/events.ts';
import { foldRun, startedRecord } from '../../core/runState.ts';
import type { BackendInfo, WorkerEvent } from '../../protocol.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import { archiveName, tokenize, TrainingSession, type CreateTrainerInit, type RunHandle, type SessionEngine } from './session.ts';
import type { LiveSettings, TrainerHooks, TrainingData } from '../../train/trainer.ts';
import type { RunFeatureSource } from './runRecord.ts';

interface Script {
  batches: number;
  /** Throw inside this (global) step. */
  throwAt?: number;
  /** Report a non-finite loss at this step. */
  nanAt?: number;
  /** Dev score per epoch (default: the epoch number, so every epoch is the best). */
  scores?: number[];
  /** Called after each step (a test moves its fake clock on here). */
  onStep?: (step: number) => void;
}

class FakeTrainer implements RunHandle {
  step = 0;
  epoch = 0;
  batchInEpoch = 0;
  disposed = false;
  released = false;
  readonly live: Partial<LiveSettings>[] = [];
  readonly backend: Backend;

  constructor(
    readonly init: CreateTrainerInit<FakeTrainer>,
    readonly script: Script,
    backend: Backend,
  ) {
    this.backend = backend;
    if (init.from) {
      this.epoch = init.from.resume.epoch;
      this.step = init.from.resume.step;
      this.batchInEpoch = init.from.resume.batch ?? 0;
    }
  }

  updateLiveSettings(patch: Partial<LiveSettings>): void {
    this.live.push(patch);
  }

  async run(hooks: TrainerHooks): Promise<DoneEvent> {
    const emit = hooks.onEvent ?? (() => {});
    const runId = this.init.runId;
    const { epochs } = this.init.config.train;
    let reason: DoneEvent['reason'] = 'completed';
    let best = this.init.from?.resume.best?.score ?? -Infinity;
    let bestEpoch = this.init.from?.resume.best?.epoch ?? 0;
    outer: while (this.epoch < epochs) {
      const epoch = this.epoch + 1;
      for (let batch = this.batchInEpoch + 1; batch <= this.script.batches; batch++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) {
          reason = 'cancelled';
          break outer;
        }
        this.step++;
        this.script.onStep?.(this.step);
        if (this.script.throwAt === this.step) throw new Error('kernel exploded');
        if (this.script.nanAt === this.step) {
          reason = 'diverged';
          break outer;
        }
        const step: StepEvent = {
          type: 'step',
          runId,
          epoch,
          batch,
          batches: this.script.batches,
          step: this.step,
          loss: { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 },
          learningRate: 0.01,
          lambdaAdversarial: 1,
          tokensPerSecond: 100,
          threads: 1,
          elapsedSeconds: 1,
          etaSeconds: 1,
        };
        emit(step);
        this.batchInEpoch = batch;
      }
      this.epoch = epoch;
      this.batchInEpoch = 0;
      const score = this.script.scores?.[epoch - 1] ?? epoch;
      const improved = score > best;
      if (improved) {
        best = score;
        bestEpoch = epoch;
      }
      const event: EpochEvent = {
        type: 'epoch',
        runId,
        epoch,
        step: this.step,
        seconds: 1,
        learningRate: 0.01,
        lambdaAdversarial: 1,
        train: { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 },
        dev: { scores: [{ task: 'POS', metric: 'accuracy', value: score, accuracy: score }], discriminatorAccuracy: [], attention: [], loss: { total: 1, tasks: {}, adversarial: 0, orthogonality: 0 } },
        devScore: score,
        best: improved,
      };
      emit(event);
    }
    const done: DoneEvent = { type: 'done', runId, reason, epochs: this.epoch, bestEpoch, best: [], seconds: 1, ...(reason === 'diverged' ? { message: 'the loss became NaN' } : {}) };
    emit(done);
    return done;
  }
}

class FakeBackends {
  current: Backend = 'webgpu';
  readonly switches: Backend[] = [];
  readonly failed = new Set<Backend>();
  active(): Backend {
    return this.current;
  }
  async switchTo(name: Backend): Promise<BackendInfo> {
    this.switches.push(name);
    this.current = name;
    return { name, adapter: '', available: ['webgpu', 'webgl', 'wasm', 'cpu'] };
  }
  next(failed: Backend): Backend | null {
    const order: Backend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
    return order.slice(order.indexOf(failed) + 1).find((b) => !this.failed.has(b)) ?? null;
  }
}

function sentences(n: number): Sentence[] {
  return Array.from({ length: n }, (_, i) => ({ words: [`w${i}`, 'x'], tags: [['A', 'B']] }));
}

function setup(
  scripts: (index: number, init: CreateTrainerInit<FakeTrainer>) => Script,
  opts: { interval?: number; test?: Dataset; checkpointsToPage?: () => boolean; now?: () => number; checkpointIntervalMs?: number; features?: RunFeatureSource } = {},
) {
  const events: WorkerEvent[] = [];
  const trainers: FakeTrainer[] = [];
  const backends = new FakeBackends();
  const engine: SessionEngine<FakeTrainer> = {
    createTrainer: (init) => {
      const trainer = new FakeTrainer(init, scripts(trainers.length, init), backends.current);
      trainers.push(trainer);
      return trainer;
    },
    readWeights: async (t): Promise<NamedWeight[]> => [{ name: 'w', shape: [1], data: Float32Array.of(t.step) }],
    dispose: (t) => {
      t.disposed = true;
    },
    release: (t) => {
      t.released = true;
    },
    exportArchive: (t, weights, summary) => new TextEncoder().encode(JSON.stringify({ runId: t.init.runId, weights: weights.map((w) => [...w.data]), summary })),
    inspect: async (_t, sentence) => ({
      words: sentence.words,
      tasks: [{ task: 'POS', predicted: sentence.words.map(() => 'A'), gold: sentence.tags[0] ?? null, representations: ['individual'], beta: null }],
    }),
  };
  const dataset = { name: 'toy.conll', tasks: [{ name: 'POS', column: 1, scheme: 'plain' }], sentences: sentences(20), stats: { sentences: 20, tokens: 40, docStarts: 0 } } as unknown as Dataset;
  const session = new TrainingSession<FakeTrainer>({
    engine,
    backends,
    datasets: { current: dataset, test: opts.test ?? null },
    emit: (e) => events.push(structuredClone(e)),
    yieldToEventLoop: () => new Promise((resolve) => setTimeout(resolve, 0)),
    stepEventIntervalMs: opts.interval ?? 0,
    haltTimeoutMs: 200,
    ...(opts.checkpointsToPage ? { checkpointsToPage: opts.checkpointsToPage } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.checkpointIntervalMs !== undefined ? { checkpointIntervalMs: opts.checkpointIntervalMs } : {}),
    ...(opts.features ? { features: opts.features } : {}),
  });
  return { session, events, trainers, backends, dataset, engine };
}

function config(epochs = 2): RunConfig {
  const c = structuredClone(presets.tiny);
  c.train.epochs = epochs;
  return c;
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const statuses = (events: WorkerEvent[], runId: string): RunStatus[] =>
  events.flatMap((e) => (e.type === 'run-status' && e.runId === runId ? [e.status] : []));

describe('TrainingSession', () => {
  it('runs to completion, splits the data, keeps best and last host checkpoints', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 3, scores: [5, 4] }));
    const info = session.startRun(config(2), 'MTAA');
    expect(info.runId).toBe('run-1');
    expect(info.backend).toBe('webgpu');
    expect(events[0]).toMatchObject({ type: 'run-started', run: { runId: 'run-1', label: 'MTAA', datasetName: 'toy.conll' } });
    await until(() => session.status('run-1') === 'completed', 'completion');
    const data = trainers[0]!.init.data;
    expect(data.train.length + data.dev.length).toBe(20);
    expect(data.dev.length).toBe(2); // devFraction 0.1
    expect(events.filter((e) => e.type === 'step')).toHaveLength(6);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(statuses(events, 'run-1')).toEqual(['completed']);
    const { last, best } = session.checkpoints('run-1');
    // epoch 1 was the best (5 > 4); the last checkpoint is of epoch 1 too (epoch 2 ended the run
    // and was not better, so the model holds epoch 1's weights).
    expect(best).toMatchObject({ epoch: 1, step: 3, score: 5 });
    expect(last?.epoch).toBe(1);
    expect(trainers[0]!.released).toBe(true);
  });

  it('pauses, steps exactly one batch at a time, resumes and stops', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 50 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 2, 'two steps');
    session.pause('run-1');
    expect(session.status('run-1')).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const at = trainers[0]!.step;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(trainers[0]!.step).toBe(at); // really paused
    await session.step('run-1');
    expect(trainers[0]!.step).toBe(at + 1);
    await session.step('run-1');
    expect(trainers[0]!.step).toBe(at + 2);
    expect(session.status('run-1')).toBe('paused');
    await session.resume('run-1');
    await until(() => trainers[0]!.step > at + 5, 'more steps after resume');
    await session.stop('run-1');
    expect(session.status('run-1')).toBe('stopped');
    expect(events.some((e) => e.type === 'done' && e.reason === 'cancelled')).toBe(true);
    expect(statuses(events, 'run-1')).toEqual(['paused', 'running', 'stopped']);
    expect(() => session.pause('run-1')).toThrow(/stopped/);
  });

  it('stops a paused run', async () => {
    const { session, trainers } = setup(() => ({ batches: 50 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 1, 'a step');
    session.pause('run-1');
    await session.stop('run-1');
    expect(session.status('run-1')).toBe('stopped');
  });

  it('applies live settings from the next batch and announces them as markers', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 50 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 3, 'three steps');
    session.pause('run-1');
    const change = session.updateLive('run-1', { lambdaAdversarial: 0, learningRate: 0.01 });
    // lr was already 0.01 in the tiny preset: only λ1 changed
    expect(change.settings).toEqual({ lambdaAdversarial: 0 });
    expect(change.previous).toEqual({ lambdaAdversarial: presets.tiny.train.lambdaAdversarial });
    expect(change.epoch).toBe(1);
    expect(change.step).toBe(trainers[0]!.step);
    expect(trainers[0]!.live).toEqual([{ lambdaAdversarial: 0 }]);
    expect(events.filter((e) => e.type === 'live-change')).toHaveLength(1);
    session.updateLive('run-1', { lambdaAdversarial: 0 }); // no change: no marker
    expect(events.filter((e) => e.type === 'live-change')).toHaveLength(1);
    expect(() => session.updateLive('run-1', { learningRate: -1 })).toThrow(/learningRate/);
    // The bounds are validateConfig's: a value past a field's maximum is refused too, and nothing changes.
    expect(() => session.updateLive('run-1', { learningRate: 11 })).toThrow(/learningRate must be a number in \(0, 10\]; got 11/);
    expect(() => session.updateLive('run-1', { lambdaAdversarial: 1e5 })).toThrow(/lambdaAdversarial must be a number in \[0, 10000\]/);
    expect(() => session.updateLive('run-1', { lambdaOrthogonality: Number.NaN })).toThrow(/lambdaOrthogonality/);
    expect(trainers[0]!.live.flatMap((patch) => Object.values(patch))).toEqual([0]);
    await session.stop('run-1');
    expect(() => session.updateLive('run-1', { lambdaAdversarial: 1 })).toThrow(/stopped/);
  });

  it('fails on an exception, then resumes on the next backend from the last epoch checkpoint', async () => {
    // 4 batches an epoch; the first trainer throws in step 6 (epoch 2).
    const { session, events, trainers, backends } = setup((index) => (index === 0 ? { batches: 4, throwAt: 6 } : { batches: 4 }));
    session.startRun(config(3), 'MTAA');
    await until(() => session.status('run-1') === 'failed', 'failure');
    const failure = events.findLast((e) => e.type === 'run-status');
    expect(failure).toMatchObject({ status: 'failed' });
    expect(failure?.type === 'run-status' && failure.message).toMatch(/failed on webgpu: kernel exploded.*epoch 1 on webgl/);
    expect(trainers[0]!.disposed).toBe(true);
    // a failed run takes no live changes
    expect(() => session.updateLive('run-1', { lambdaAdversarial: 1 })).toThrow(/failed/);

    await session.resume('run-1');
    expect(backends.switches).toEqual(['webgl']);
    const rebuilt = trainers[1]!;
    expect(rebuilt.init.from?.checkpoint).toMatchObject({ epoch: 1, step: 4 });
    expect(rebuilt.init.from?.resume).toMatchObject({ epoch: 1, step: 4, best: { epoch: 1, score: 1 } });
    await until(() => session.status('run-1') === 'completed', 'completion after resume');
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e.epoch] : []));
    expect(epochs).toEqual([1, 2, 3]);
    const running = events.find((e) => e.type === 'run-status' && e.status === 'running');
    expect(running).toMatchObject({ backend: 'webgl' });
    expect(statuses(events, 'run-1')).toEqual(['failed', 'running', 'completed']);
  });

  it('takes a checkpoint after each minute of training (fake clock) mid-epoch; resume continues at its batch, each step once in the history', async () => {
    let clock = 0;
    // Every step takes 25 s of the fake clock; the first trainer fails in step 8 of a 10-batch epoch.
    const onStep = () => void (clock += 25_000);
    const { session, events, trainers } = setup((index) => (index === 0 ? { batches: 10, throwAt: 8, onStep } : { batches: 10, onStep }), {
      now: () => clock,
      checkpointIntervalMs: 60_000,
    });
    session.startRun(config(1), 'MTAA');
    await until(() => session.status('run-1') === 'failed', 'failure');
    // 75 s of training after step 3, then 75 s more after step 6: one checkpoint by time each.
    expect(session.checkpoints('run-1').last).toMatchObject({ epoch: 0, step: 6, batch: 6 });
    expect(session.checkpoints('run-1').best).toBeNull();
    const failure = events.findLast((e) => e.type === 'run-status');
    expect(failure?.type === 'run-status' && failure.message).toMatch(/Resume continues from batch 6 of epoch 1 on webgl\.$/);

    await session.resume('run-1');
    expect(trainers[1]!.init.from?.resume).toMatchObject({ epoch: 0, step: 6, batch: 6 });
    await until(() => session.status('run-1') === 'completed', 'completion after resume');
    const resumed = events.filter((e) => e.type === 'step' && e.runId === 'run-1').slice(7);
    expect(resumed.map((e) => (e.type === 'step' ? `${e.batch}@${e.step}` : ''))).toEqual(['7@7', '8@8', '9@9', '10@10']);
    expect(events.find((e) => e.type === 'run-status' && e.status === 'running')).toMatchObject({ rewoundTo: 6 });
    // Folded as the page and the recorder fold them, the history holds each step once.
    const run = events.filter((e) => e.type !== 'backend' && e.type !== 'checkpoint' && e.type !== 'storage' && e.type !== 'vectors-progress').reduce(
      (r, e) => foldRun(r, e as RunEvent),
      startedRecord({ runId: 'run-1', label: 'MTAA', config: config(1), datasetName: 'toy.conll', backend: 'webgpu' } satisfies RunInfo),
    );
    expect(run.steps.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.epochs.map((e) => e.epoch)).toEqual([1]);
  });

  it('time spent paused is not training time: no checkpoint by time comes of it', async () => {
    let clock = 0;
    const { session, trainers } = setup(() => ({ batches: 50, onStep: () => void (clock += 1_000) }), { now: () => clock, checkpointIntervalMs: 60_000 });
    session.startRun(config(1), 'MTAA');
    await until(() => trainers[0]!.step >= 2, 'two steps');
    session.pause('run-1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    clock += 10 * 60_000; // ten minutes paused
    await session.step('run-1');
    await session.step('run-1');
    expect(session.checkpoints('run-1').last).toBeNull();
    const before = trainers[0]!.step;
    clock += 60_000; // a minute of training
    await session.step('run-1');
    await session.step('run-1');
    const last = session.checkpoints('run-1').last;
    expect(last).toMatchObject({ epoch: 0 });
    expect(last!.batch).toBe(last!.step);
    expect(last!.step).toBeGreaterThanOrEqual(before);
    await session.stop('run-1');
  });

  it('a diverged run is failed with its message; resume rebuilds it from its last epoch', async () => {
    const { session, events, trainers, backends } = setup((index) => (index === 0 ? { batches: 3, nanAt: 5 } : { batches: 3 }));
    session.startRun(config(2), 'MTAA');
    await until(() => session.status('run-1') === 'failed', 'failure');
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({ status: 'failed', message: 'the loss became NaN. Resume continues from epoch 1.' });
    expect(trainers[0]!.released).toBe(true);
    expect(trainers[0]!.disposed).toBe(false); // its model (best weights) stays for inspection
    await session.resume('run-1');
    expect(trainers[0]!.disposed).toBe(true);
    expect(backends.current).toBe('webgl');
    expect(trainers[1]!.init.from?.checkpoint.epoch).toBe(1);
    await until(() => session.status('run-1') === 'completed', 'completion');
  });

  it('runs a sibling on the same data beside its parent, interleaved', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 6 }));
    session.startRun(config(1), 'MTAA');
    await until(() => trainers[0]!.step >= 1, 'first step');
    const fused = config(1);
    fused.model.fusion = 'average';
    const sibling = session.startRun(fused, 'MTAA → average fusion', 'run-1');
    expect(sibling).toMatchObject({ runId: 'run-2', siblingOf: 'run-1' });
    expect(trainers[1]!.init.data).toBe(trainers[0]!.init.data);
    await until(() => session.status('run-1') === 'completed' && session.status('run-2') === 'completed', 'both');
    const order = events.flatMap((e) => (e.type === 'step' ? [e.runId] : []));
    // interleaved: run-2's steps do not all come after run-1's
    expect(order.lastIndexOf('run-1')).toBeGreaterThan(order.indexOf('run-2'));
  });

  it('refuses an invalid config and a run without data', () => {
    const { session } = setup(() => ({ batches: 1 }));
    const bad = config(1);
    bad.model.individual.hidden = 0;
    expect(() => session.startRun(bad, 'x')).toThrow(/individual\.hidden/);
    const empty = new TrainingSession<FakeTrainer>({
      engine: {} as SessionEngine<FakeTrainer>,
      backends: new FakeBackends(),
      datasets: { current: null },
      emit: () => {},
    });
    expect(() => empty.startRun(config(1), 'x')).toThrow(/No dataset/);
  });

  it('a backend switch interrupts active runs; resume rebuilds them on the new backend', async () => {
    const { session, events, trainers, backends } = setup(() => ({ batches: 3 }));
    session.startRun(config(3), 'MTAA');
    await until(() => trainers[0]!.epoch >= 1 && trainers[0]!.step >= 4, 'an epoch');
    const info = await session.setBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(backends.switches).toEqual(['wasm']);
    expect(session.status('run-1')).toBe('interrupted');
    expect(trainers[0]!.disposed).toBe(true);
    expect(events.some((e) => e.type === 'backend' && e.backend.name === 'wasm')).toBe(true);
    // the interrupted loop's own 'done' (cancelled) is not reported as a stop
    expect(events.some((e) => e.type === 'done')).toBe(false);
    await session.resume('run-1');
    expect(trainers[1]!.backend).toBe('wasm');
    expect(trainers[1]!.init.from?.checkpoint.epoch).toBeGreaterThanOrEqual(1);
    await until(() => session.status('run-1') === 'completed', 'completion');
  });

  it('a lost device fails its runs and moves to the next backend', async () => {
    const { session, trainers, backends } = setup(() => ({ batches: 100 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 2, 'steps');
    backends.failed.add('webgpu');
    await session.backendLost('webgpu', 'GPU hung');
    expect(session.status('run-1')).toBe('failed');
    expect(backends.current).toBe('webgl');
    await session.resume('run-1');
    expect(trainers[1]!.backend).toBe('webgl');
    expect(trainers[1]!.init.from).toBeUndefined(); // no epoch finished: a fresh start
    await session.stop('run-1');
  });

  it('a backend error fails its runs, says it was an error (not a loss) and moves on', async () => {
    const { session, trainers, backends, events } = setup(() => ({ batches: 100 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 2, 'steps');
    backends.failed.add('webgpu');
    await session.backendLost('webgpu', 'WebGPU error: Error while parsing WGSL', 'error');
    expect(session.status('run-1')).toBe('failed');
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({
      status: 'failed',
      message: 'The webgpu backend reported an error (WebGPU error: Error while parsing WGSL). Resume continues from epoch 0 on webgl.',
    });
    expect(backends.current).toBe('webgl');
  });

  it('reports a single step of a paused run before the step resolves, however throttled', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 200 }), { interval: 60_000 });
    session.startRun(config(1), 'MTAA');
    await until(() => trainers[0]!.step >= 2, 'two steps');
    session.pause('run-1');
    const lastStep = () => events.filter((e): e is StepEvent => e.type === 'step').at(-1)?.step;
    await session.step('run-1');
    expect(lastStep()).toBe(trainers[0]!.step);
    await session.step('run-1');
    expect(lastStep()).toBe(trainers[0]!.step);
    await session.stop('run-1');
  });

  it('throttles step events to one per interval per run, flushing the last before an epoch', async () => {
    const { session, events } = setup(() => ({ batches: 40 }), { interval: 60_000 });
    session.startRun(config(1), 'MTAA');
    await until(() => session.status('run-1') === 'completed', 'completion');
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    expect(steps.map((s) => s.batch)).toEqual([1, 40]);
  });

  it('gives every run a name of its own and names its data; a rename to another run\'s name is refused', async () => {
    const { session } = setup(() => ({ batches: 2 }));
    const first = session.startRun(config(1), 'MTAA');
    const second = session.startRun(config(1), 'MTAA');
    const sibling = session.startRun(config(1), 'MTAA', first.runId);
    expect([first.label, second.label, sibling.label]).toEqual(['MTAA', 'MTAA 2', 'MTAA 3']);
    expect(second).toMatchObject({ datasetName: 'toy.conll', datasetSentences: 20 });
    expect(sibling.datasetSentences).toBe(20);
    expect(() => session.rename(second.runId, 'MTAA')).toThrow('run-1 is already called "MTAA"');
    await until(() => ['run-1', 'run-2', 'run-3'].every((id) => session.status(id) === 'completed'), 'completion');
  });

  it('exports the best checkpoint and inspects dev sentences and typed text', async () => {
    const { session, trainers } = setup(() => ({ batches: 2, scores: [3, 1] }));
    session.startRun(config(2), 'MTAA → average fusion');
    await until(() => session.status('run-1') === 'completed', 'completion');
    const exported = await session.exportModel('run-1');
    expect(exported.fileName).toBe('mtaa-MTAA-average-fusion-run-1.zip');
    const body = JSON.parse(new TextDecoder().decode(exported.archive)) as { weights: number[][]; summary: { bestEpoch: number; dataset: string; datasetSentences: number } };
    expect(body.weights).toEqual([[2]]); // step 2 = the end of epoch 1, the best
    expect(body.summary.bestEpoch).toBe(1);
    // The archive names the data it was trained on (a sibling inherits its parent's).
    expect(body.summary).toMatchObject({ dataset: 'toy.conll', datasetSentences: 20 });
    session.rename('run-1', ' renamed ');
    expect((await session.exportModel('run-1')).fileName).toBe('mtaa-renamed-run-1.zip');

    const dev = await session.devSentences(5);
    expect(dev).toHaveLength(2);
    expect(dev[0]).toEqual({ index: 0, text: trainers[0]!.init.data.dev[0]!.words.join(' ') });
    const inspected = await session.inspect('run-1', { devIndex: 1 });
    expect(inspected.tasks[0]!.gold).toEqual(['A', 'B']);
    const typed = await session.inspect('run-1', { text: '  The  cat\tsat ' });
    expect(typed.words).toEqual(['The', 'cat', 'sat']);
    expect(typed.tasks[0]!.gold).toBeNull();
    await expect(session.inspect('run-1', { devIndex: 9 })).rejects.toThrow(/no dev sentence 9/);
    await expect(session.inspect('run-1', { text: '   ' })).rejects.toThrow(/Type a sentence/);
  });

  it('before any run, dev sentences come from the current dataset with the presets split', async () => {
    const { session } = setup(() => ({ batches: 1 }));
    expect(await session.devSentences()).toHaveLength(2);
  });
});

describe('helpers', () => {
  it('tokenizes on whitespace', () => {
    expect(tokenize(' a  b\tc\n')).toEqual(['a', 'b', 'c']);
  });
  it('names archives safely', () => {
    expect(archiveName('MTAA → E-ADV (λ1=1)', 'run-3')).toBe('mtaa-MTAA-E-ADV-1-1-run-3.zip');
    expect(archiveName('///', 'run-1')).toBe('mtaa-model-run-1.zip');
  });
});

describe('test hook', () => {
  it('simulateFailure fails the next batch like a kernel error', async () => {
    const { session, events, trainers } = setup(() => ({ batches: 50 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 1, 'a step');
    session.simulateFailure('run-1', 'simulated');
    await until(() => session.status('run-1') === 'failed', 'failure');
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({ status: 'failed', message: expect.stringContaining('simulated') });
    expect(() => session.simulateFailure('run-1', 'again')).toThrow(/failed/);
  });
});

describe('TrainingSession: runs restored from storage', () => {
  it('resumes a restored run from its stored checkpoint on its reloaded data; new runs take fresh ids; export needs no trainer', async () => {
    const { session, events, trainers, dataset } = setup(() => ({ batches: 2 }));
    const vocabularies = buildVocabularies(dataset.sentences, 1);
    const host = { tasks: dataset.tasks, vocabularies };
    const checkpoint = { epoch: 1, step: 2, weights: [{ name: 'w', shape: [1], data: Float32Array.of(7) }] };
    let loads = 0;
    session.restoreRun({
      info: { runId: 'run-4', label: 'MTAA', config: config(3), datasetName: 'toy.conll', backend: 'webgpu' },
      config: config(3),
      status: 'interrupted',
      message: 'Interrupted by a reload.',
      last: checkpoint,
      best: { ...checkpoint, score: 1, scores: [] },
      host,
      loadData: async () => {
        loads++;
        return { tasks: dataset.tasks, train: dataset.sentences.slice(0, 18), dev: dataset.sentences.slice(18) };
      },
    });
    expect(session.status('run-4')).toBe('interrupted');
    // Export works from the stored checkpoint alone (a zip starts with "PK").
    const exported = await session.exportModel('run-4');
    expect(new TextDecoder().decode(new Uint8Array(exported.archive).slice(0, 2))).toBe('PK');

    await session.resume('run-4');
    await until(() => session.status('run-4') === 'completed', 'the restored run completing');
    expect(loads).toBe(1);
    const init = trainers[0]!.init;
    expect(init.from?.host).toBe(host);
    expect(init.from?.resume).toMatchObject({ epoch: 1, step: 2, best: { score: 1, epoch: 1 } });
    expect(init.data.train).toHaveLength(18);
    expect(events.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.epoch : 0))).toEqual([2, 3]);

    expect(session.startRun(config(1), 'next').runId).toBe('run-5');
  });

  it("a restored run's dev sentences come from its stored data, read once, before any resume; a dataset gone is said", async () => {
    const { session, dataset } = setup(() => ({ batches: 2 }));
    const host = { tasks: dataset.tasks, vocabularies: buildVocabularies(dataset.sentences, 1) };
    const checkpoint = { epoch: 1, step: 2, weights: [{ name: 'w', shape: [1], data: Float32Array.of(7) }] };
    let loads = 0;
    const restored = (runId: string, loadData: () => Promise<TrainingData>) =>
      session.restoreRun({
        info: { runId, label: `MTAA ${runId}`, config: config(3), datasetName: 'toy.conll', backend: 'webgpu' },
        config: config(3),
        status: 'interrupted',
        last: checkpoint,
        best: null,
        host,
        loadData,
      });
    restored('run-4', async () => {
      loads++;
      return { tasks: dataset.tasks, train: dataset.sentences.slice(0, 17), dev: dataset.sentences.slice(17) };
    });
    restored('run-5', () => Promise.reject(new Error('toy.conll, the data of MTAA run-5, is no longer in this browser\'s storage')));
    const [a, b] = await Promise.all([session.devSentences(10, 'run-4'), session.devSentences(10, 'run-4')]);
    expect(a).toEqual(dataset.sentences.slice(17).map((s, index) => ({ index, text: s.words.join(' ') })));
    expect(b).toEqual(a);
    expect(loads).toBe(1);
    await expect(session.devSentences(10, 'run-5')).rejects.toThrow(/dev sentences of MTAA run-5 cannot be listed: toy\.conll.*no longer in this browser's storage/);
    // Adopting it from a dead worker's page still finds it as the stored run it is.
    session.adoptRun({ info: { runId: 'run-4', label: 'MTAA run-4', config: config(3), datasetName: 'toy.conll', backend: 'webgpu' }, config: config(3), status: 'failed', message: 'The worker died.', died: true, last: null, best: null });
    expect(session.status('run-4')).toBe('failed');
  });

  it('forgets a run, stopping it first', async () => {
    const { session } = setup(() => ({ batches: 1000 }));
    const { runId } = session.startRun(config(5), 'long');
    await until(() => session.status(runId) === 'running', 'running');
    await session.forget(runId);
    expect(() => session.status(runId)).toThrow(/no run/);
  });
});

describe('faults', () => {
  it('simulateNaN gives the next batch a NaN learning rate (the trainer then diverges)', async () => {
    const { session, trainers } = setup(() => ({ batches: 50 }));
    session.startRun(config(2), 'MTAA');
    await until(() => trainers[0]!.step >= 1, 'a step');
    session.simulateNaN('run-1');
    await until(() => trainers[0]!.live.length > 0, 'the NaN setting');
    expect(Number.isNaN(trainers[0]!.live[0]!.learningRate)).toBe(true);
    await session.stop('run-1');
    expect(() => session.simulateNaN('run-1')).toThrow(/stopped/);
  });

  it('copies each epoch checkpoint to the page only where it cannot be stored (no IndexedDB)', async () => {
    const stored = setup(() => ({ batches: 2 }));
    stored.session.startRun(config(2), 'MTAA');
    await until(() => stored.session.status('run-1') === 'completed', 'the end');
    expect(stored.session.checkpoints('run-1').last?.epoch).toBe(2);
    expect(stored.events.some((e) => e.type === 'checkpoint')).toBe(false);
  });

  it('sends each epoch checkpoint to the page without IndexedDB, and never keeps one with non-finite weights', async () => {
    const { session, events, engine } = setup(() => ({ batches: 2 }), { checkpointsToPage: () => true });
    const finite = engine.readWeights;
    let poisoned = false;
    engine.readWeights = async (t) => (poisoned ? [{ name: 'w', shape: [1], data: Float32Array.of(Number.NaN) }] : finite(t));
    session.startRun(config(3), 'MTAA');
    await until(() => events.some((e) => e.type === 'checkpoint'), 'a checkpoint');
    poisoned = true;
    await until(() => session.status('run-1') !== 'running', 'the end');
    const sent = events.flatMap((e) => (e.type === 'checkpoint' ? [e] : []));
    expect(sent.map((e) => e.checkpoint.epoch)).toEqual([1]);
    expect(sent[0]).toMatchObject({ runId: 'run-1', best: true, checkpoint: { step: 2 } });
    expect(session.checkpoints('run-1').last?.epoch).toBe(1);
    expect([...session.checkpoints('run-1').last!.weights[0]!.data].every(Number.isFinite)).toBe(true);
  });

  it("adopts a dead worker's run: failed with its message, resumed from its checkpoint without a previous model", async () => {
    const { session, events, trainers } = setup(() => ({ batches: 2 }));
    const checkpoint = { epoch: 1, step: 2, weights: [{ name: 'w', shape: [1], data: Float32Array.of(2) }] };
    const info = { runId: 'run-4', label: 'MTAA', config: config(3), datasetName: 'toy.conll', backend: 'wasm' as Backend };
    session.adoptRun({ info, config: config(3), status: 'failed', message: 'the worker died', died: false, last: checkpoint, best: { ...checkpoint, score: 1, scores: [] } });
    expect(session.status('run-4')).toBe('failed');
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({ runId: 'run-4', status: 'failed', message: 'the worker died' });
    expect(trainers).toHaveLength(0);

    await session.resume('run-4');
    await until(() => session.status('run-4') === 'completed', 'the resumed run');
    const from = trainers[0]!.init.from!;
    expect(from.previous).toBeUndefined();
    expect(from.resume).toMatchObject({ epoch: 1, step: 2, best: { epoch: 1, score: 1 } });
    expect(from.checkpoint).toBe(checkpoint);
    const epochs = events.flatMap((e) => (e.type === 'epoch' && e.runId === 'run-4' ? [e.epoch] : []));
    expect(epochs).toEqual([2, 3]);
    // Ids continue after the adopted one.
    expect(session.startRun(config(1), 'next').runId).toBe('run-5');
    expect(() => session.adoptRun({ info, config: config(3), status: 'failed', message: '', died: false, last: null, best: null })).toThrow(/already a run run-4/);
  });

  it('adopting a run already brought back from storage updates it (status, newer checkpoint) instead of clashing', () => {
    const { session, events, dataset } = setup(() => ({ batches: 2 }));
    const host = { tasks: dataset.tasks, vocabularies: buildVocabularies(dataset.sentences, 1) };
    const stored = { epoch: 1, step: 2, weights: [{ name: 'w', shape: [1], data: Float32Array.of(1) }] };
    const info = { runId: 'run-2', label: 'MTAA', config: config(3), datasetName: 'toy.conll', backend: 'wasm' as Backend };
    session.restoreRun({ info, config: config(3), status: 'interrupted', last: stored, best: { ...stored, score: 1, scores: [] }, host, loadData: async () => ({ tasks: dataset.tasks, train: dataset.sentences, dev: [] }) });
    const newer = { epoch: 2, step: 4, weights: [{ name: 'w', shape: [1], data: Float32Array.of(2) }] };
    session.adoptRun({ info, config: config(3), status: 'failed', message: 'the worker died', died: false, last: newer, best: { ...newer, score: 2, scores: [] } });
    expect(session.status('run-2')).toBe('failed');
    expect(session.checkpoints('run-2').last?.epoch).toBe(2);
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({ runId: 'run-2', status: 'failed', message: 'the worker died' });
  });

  it("a dead worker's run with no page copy resumes from the stored checkpoint, and its message says that epoch", () => {
    const { session, events, dataset } = setup(() => ({ batches: 2 }));
    const host = { tasks: dataset.tasks, vocabularies: buildVocabularies(dataset.sentences, 1) };
    const stored = { epoch: 2, step: 4, weights: [{ name: 'w', shape: [1], data: Float32Array.of(1) }] };
    const info = { runId: 'run-2', label: 'MTAA', config: config(3), datasetName: 'toy.conll', backend: 'wasm' as Backend };
    session.restoreRun({ info, config: config(3), status: 'interrupted', last: stored, best: null, host, loadData: async () => ({ tasks: dataset.tasks, train: dataset.sentences, dev: [] }) });
    session.adoptRun({ info, config: config(3), status: 'failed', message: 'The worker died while this run was running.', died: true, last: null, best: null });
    expect(session.checkpoints('run-2').last?.epoch).toBe(2);
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({
      runId: 'run-2',
      status: 'failed',
      message: 'The worker died while this run was running. Resume continues from epoch 2 in a new worker.',
    });
  });

  it('refuses to adopt a run whose dataset is not the loaded one', () => {
    const { session } = setup(() => ({ batches: 2 }));
    const info = { runId: 'run-1', label: 'MTAA', config: config(3), datasetName: 'other.conll', backend: 'wasm' as Backend };
    expect(() => session.adoptRun({ info, config: config(3), status: 'failed', message: '', died: false, last: null, best: null })).toThrow(
      /MTAA trained on other\.conll, which is not loaded/,
    );
  });
  it('pre-trained vectors: the fresh trainer gets the word table built from its split, the run records them; a rebuild from a checkpoint does not', async () => {
    // The first trainer fails in epoch 2 (after the epoch-1 checkpoint); its resume rebuilds from weights.
    const { session, events, trainers } = setup((index) => (index === 0 ? { batches: 4, throwAt: 6 } : { batches: 4 }));
    const wordInit = Float32Array.of(1, 2, 3);
    const seen: number[] = [];
    const info = session.startRun(config(2), 'MTAA', undefined, (data) => {
      seen.push(data.train.length);
      return {
        info: { fileName: 'glove.txt', dim: 3, coverage: { words: 1, exact: 1, lowercase: 0, missing: 0, percent: 100, missingExamples: [] } },
        vocabularies: {} as never,
        wordInit,
      };
    });
    expect(info.vectors).toMatchObject({ fileName: 'glove.txt', dim: 3 });
    expect(events[0]).toMatchObject({ type: 'run-started', run: { vectors: { fileName: 'glove.txt' } } });
    await until(() => session.status('run-1') === 'failed', 'the failure');
    // Called once, with the run's own training split.
    expect(seen).toEqual([trainers[0]!.init.data.train.length]);
    expect(trainers[0]!.init.pretrained?.wordInit).toBe(wordInit);
    await session.resume('run-1');
    await until(() => session.status('run-1') === 'completed', 'completion');
    expect(trainers[1]!.init.from).toBeDefined();
    expect(trainers[1]!.init.pretrained).toBeUndefined();
  });
});

describe('TrainingSession: a test file', () => {
  const testSet = (tasks = [{ name: 'POS', column: 1, scheme: 'plain' }]) =>
    ({ name: 'toy.test', tasks, sentences: sentences(3) }) as unknown as Dataset;

  /** A per-type breakdown as the engine gives it for a test file (counts, no error sentences). */
  const posBreakdown = (n: number): TaskBreakdown => ({
    task: 'POS',
    metric: 'accuracy',
    types: [{ type: 'NN', precision: n, recall: n, f1: n, support: 2, predicted: 2, correct: 1 }],
    confusion: { labels: ['NN', 'VB'], counts: [[1, 1], [1, 0]], folded: [] },
  });

  /** The engine scores what it is given: one POS score whose value is the trainer's epoch count then. */
  function withScoring(engine: SessionEngine<FakeTrainer>, calls: { sentences: number; epoch: number }[], fail = false) {
    engine.score = async (t, scored) => {
      if (fail) throw new Error('out of memory');
      calls.push({ sentences: scored.length, epoch: t.epoch });
      return { scores: [{ task: 'POS', metric: 'accuracy', value: 50 + calls.length, accuracy: 50 + calls.length }], breakdown: [posBreakdown(50 + calls.length)] };
    };
  }

  it('scores a completed run on the test file at its end, naming the best epoch, before its status says completed', async () => {
    const { session, events, engine } = setup(() => ({ batches: 2, scores: [5, 4] }), { test: testSet() });
    const calls: { sentences: number; epoch: number }[] = [];
    withScoring(engine, calls);
    session.startRun(config(2), 'MTAA');
    await until(() => session.status('run-1') === 'completed', 'completion');
    expect(calls).toEqual([{ sentences: 3, epoch: 2 }]);
    const at = events.findIndex((e) => e.type === 'test-scores');
    expect(events[at]).toEqual({
      type: 'test-scores',
      runId: 'run-1',
      epoch: 1,
      fileName: 'toy.test',
      scores: [{ task: 'POS', metric: 'accuracy', value: 51, accuracy: 51 }],
      breakdown: [posBreakdown(51)],
    });
    expect(at).toBeLessThan(events.findIndex((e) => e.type === 'run-status' && e.status === 'completed'));
  });

  it('scores a stopped run that finished an epoch; not one stopped before its first epoch, nor a diverged one', async () => {
    const { session, events, engine, trainers } = setup((i) => (i === 2 ? { batches: 3, nanAt: 5 } : { batches: 40 }), { test: testSet() });
    withScoring(engine, []);
    session.startRun(config(3), 'stopped after an epoch');
    await until(() => trainers[0]!.epoch >= 1, 'an epoch');
    await session.stop('run-1');
    session.startRun(config(3), 'stopped at once');
    await until(() => trainers[1]!.step >= 1, 'a step');
    await session.stop('run-2');
    session.startRun(config(3), 'diverges');
    await until(() => session.status('run-3') === 'failed', 'divergence');
    expect(events.filter((e) => e.type === 'test-scores').map((e) => e.runId)).toEqual(['run-1']);
  });

  it('a run started without a test file gets none; a sibling takes its parent\'s; a test file for other tasks is not used', async () => {
    const plain = setup(() => ({ batches: 1 }));
    withScoring(plain.engine, []);
    plain.session.startRun(config(1), 'no test');
    await until(() => plain.session.status('run-1') === 'completed', 'completion');
    expect(plain.events.some((e) => e.type === 'test-scores')).toBe(false);

    const withTest = setup(() => ({ batches: 1 }), { test: testSet() });
    withScoring(withTest.engine, []);
    withTest.session.startRun(config(1), 'parent');
    withTest.session.startRun(config(1), 'sibling', 'run-1');
    await until(() => withTest.session.status('run-2') === 'completed' && withTest.session.status('run-1') === 'completed', 'both');
    expect(withTest.events.filter((e) => e.type === 'test-scores').map((e) => e.runId).sort()).toEqual(['run-1', 'run-2']);

    const other = setup(() => ({ batches: 1 }), { test: testSet([{ name: 'NER', column: 1, scheme: 'IOB2' }]) as Dataset });
    withScoring(other.engine, []);
    other.session.startRun(config(1), 'other tasks');
    await until(() => other.session.status('run-1') === 'completed', 'completion');
    expect(other.events.some((e) => e.type === 'test-scores')).toBe(false);
  });

  it('a scoring error is reported in the event and the run still completes', async () => {
    const { session, events, engine } = setup(() => ({ batches: 1 }), { test: testSet() });
    withScoring(engine, [], true);
    session.startRun(config(1), 'MTAA');
    await until(() => session.status('run-1') === 'completed', 'completion');
    expect(events.find((e) => e.type === 'test-scores')).toEqual({
      type: 'test-scores',
      runId: 'run-1',
      epoch: 1,
      fileName: 'toy.test',
      scores: [],
      message: 'toy.test: could not be scored (out of memory)',
    });
  });
});

describe('continuing an imported model', () => {
  /** An imported model with tasks [NER, POS] (the loaded toy dataset has POS only, tags A/B). */
  function imported() {
    const ctx = setup(() => ({ batches: 2 }));
    const { session, engine, dataset } = ctx;
    engine.loadModel = ({ runId, config: c, host }) =>
      new FakeTrainer({ runId, config: c, data: { tasks: host.tasks, train: [], dev: [] } }, { batches: 0 }, 'webgpu');
    const modelSentences: Sentence[] = [
      { words: ['w0', 'x'], tags: [['B-PER', 'O'], ['A', 'B']] },
      { words: ['w1'], tags: [['O'], ['C']] },
    ];
    const host = {
      tasks: [
        { name: 'NER', column: 3, scheme: 'IOB2' as const },
        { name: 'POS', column: 1, scheme: 'plain' as const },
      ],
      vocabularies: buildVocabularies(modelSentences, 2),
    };
    const weights: NamedWeight[] = [{ name: 'w', shape: [1], data: Float32Array.of(42) }];
    const info = session.importModel({ config: config(1), host, weights, summary: { epoch: 3, dataset: 'conll03.txt' } }, 'model.zip');
    return { ...ctx, info, host, weights, dataset: dataset as { -readonly [K in keyof Dataset]: Dataset[K] } };
  }

  it('starts a new run from the imported weights with its vocabularies; the imported run stays as it was', async () => {
    const { session, trainers, events, info, host, weights } = imported();
    expect(info.importedFrom).toBe('model.zip');
    const next = session.continueRun(info.runId, config(2));
    expect(next.runId).not.toBe(info.runId);
    expect(next.continuedFrom).toBe(info.runId);
    expect(next.datasetName).toBe('toy.conll');
    await until(() => session.status(next.runId) === 'completed', 'the continued run completing');
    const init = trainers.find((t) => t.init.runId === next.runId)!.init;
    // The resume path: built from the imported host model and weights, at epoch 0 with no best to beat.
    expect(init.from?.host).toBe(host);
    expect(init.from?.checkpoint.weights).toBe(weights);
    expect(init.from?.resume).toEqual({ epoch: 0, step: 0 });
    expect(init.pretrained).toBeUndefined();
    // The data in the model's terms: tasks in its order, NER (absent from the dataset) unlabelled.
    expect(init.data.tasks.map((t) => t.name)).toEqual(['NER', 'POS']);
    expect(init.data.train.length + init.data.dev.length).toBe(20);
    expect(init.data.train.every((s) => s.tags[0] === null && s.tags[1]?.join(' ') === 'A B')).toBe(true);
    expect(events.filter((e) => e.type === 'epoch' && e.runId === next.runId)).toHaveLength(2);
    expect(session.status(info.runId)).toBe('completed');
    expect(session.checkpoints(info.runId).best?.weights).toBe(weights);
  });

  it('refuses a dataset task the model does not have, naming it, and starts nothing', () => {
    const { session, dataset, info, events } = imported();
    dataset.tasks = [...dataset.tasks, { name: 'chunk', column: 2, scheme: 'IOB2' }];
    dataset.sentences = dataset.sentences.map((s) => ({ ...s, tags: [...s.tags, ['B-NP', 'I-NP']] }));
    const before = events.length;
    expect(() => session.continueRun(info.runId, config(1))).toThrow(/toy\.conll has the task "chunk", which imported model\.zip does not have \(its tasks: "NER", "POS"\)/);
    expect(events.slice(before).filter((e) => e.type === 'run-started')).toHaveLength(0);
    // The next run still takes the next id: nothing was half-created.
    expect(session.startRun(config(1), 'fresh').runId).toBe('run-2');
  });

  it('refuses a training gold tag outside the model tag set, naming the file, sentence, token, task and tag; a dev one is scored as an error', () => {
    const { session, dataset, info } = imported();
    const original = dataset.sentences;
    const { devIndices, trainIndices } = splitTrainDev(original, { devFraction: config(1).train.devFraction, seed: config(1).train.seed });
    const first = Math.min(...trainIndices);
    dataset.sentences = original.map((s) => ({ ...s, tags: [['A', 'Z']] }));
    expect(() => session.continueRun(info.runId, config(1))).toThrow(
      new RegExp(`toy\\.conll, sentence ${first + 1}, token 2 \\("x"\\): the POS tag "Z" is not in the tag set of imported model\\.zip \\("A", "B", "C"\\)`),
    );
    // Only dev sentences carry the unknown tag: the model cannot predict it, as in any run; it trains.
    const dev = new Set(devIndices);
    dataset.sentences = original.map((s, i) => (dev.has(i) ? { ...s, tags: [['A', 'Z']] } : s));
    expect(session.continueRun(info.runId, config(1)).continuedFrom).toBe(info.runId);
  });

  it('keeps the model settings (shapes) but takes the training settings of the draft', () => {
    const { session, info } = imported();
    const wider = config(1);
    wider.model.embedding.wordDim += 1;
    expect(() => session.continueRun(info.runId, wider)).toThrow(/keeps its model settings/);
    const own = config(4);
    own.train.learningRate = 0.0005;
    expect(session.continueRun(info.runId, own).config.train).toMatchObject({ epochs: 4, learningRate: 0.0005 });
  });

  it("a dead worker's continued run is adopted in the imported model's terms and resumes from its checkpoint", async () => {
    const { session, trainers, info, host } = imported();
    const next = session.continueRun(info.runId, config(2));
    await until(() => session.status(next.runId) === 'completed', 'the continued run completing');
    const { last } = session.checkpoints(next.runId);
    await session.forget(next.runId);
    session.adoptRun({ info: next, config: config(2), status: 'failed', message: 'The worker stopped.', died: false, last, best: null });
    await session.resume(next.runId);
    await until(() => session.status(next.runId) === 'completed', 'the adopted run completing');
    const init = trainers[trainers.length - 1]!.init;
    expect(init.from?.host).toBe(host);
    expect(init.data.tasks.map((t) => t.name)).toEqual(['NER', 'POS']);
  });

  describe('BERT runs', () => {
    const bertConfig = (epochs: number) => {
      const c = config(epochs);
      c.model.embedding.bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 2 };
      return c;
    };
    /** Features whose first value is the sentence's first word's length: a run's sentences show where theirs came from. */
    const row = (words: readonly string[]) => Float32Array.from(words.flatMap((w) => [w.length, 1]));
    function source() {
      const asked: { attach: string[]; typed: string[][][] } = { attach: [], typed: [] };
      const features: RunFeatureSource = {
        attach: async (run, data) => {
          asked.attach.push(run.runId);
          const add = (list: readonly Sentence[]) => list.map((s) => ({ ...s, features: row(s.words) }));
          return { ...data, train: add(data.train), dev: add(data.dev) };
        },
        typed: async (_run, list) => {
          asked.typed.push(list.map((words) => [...words]));
          return list.map(row);
        },
      };
      return { features, asked };
    }

    it('a BERT run started here names its checkpoint (so does its sibling); typed text gets features from the source', async () => {
      const { features, asked } = source();
      const { session, trainers, events } = setup(() => ({ batches: 1 }), { features });
      const checkpoint = { checkpoint: 'tiny-bert', hash: 'a'.repeat(64) };
      const info = session.startRun(bertConfig(1), 'MTAA + BERT', undefined, undefined, { checkpoint, attach: (list) => list.map((s) => ({ ...s, features: row(s.words) })) });
      expect(info.bert).toEqual(checkpoint);
      expect(session.startRun(bertConfig(1), 'sibling', info.runId).bert).toEqual(checkpoint);
      // Without BERT in its config a run names no checkpoint.
      expect(session.startRun(config(1), 'plain').bert).toBeUndefined();
      await until(() => statuses(events, 'run-3').includes('completed') && statuses(events, info.runId).includes('completed'), 'the runs');
      expect(trainers[0]!.init.data.train.every((s) => s.features?.length === s.words.length * 2)).toBe(true);
      const tagged = await session.tagText(info.runId, 'the cat\nsat');
      expect(tagged.map((t) => t.words)).toEqual([['the', 'cat'], ['sat']]);
      expect(asked.typed).toEqual([[['the', 'cat'], ['sat']]]);
      // A run without BERT asks nothing of the source.
      await session.tagText('run-3', 'the cat');
      expect(asked.typed).toHaveLength(1);
      // Its archive's summary names the checkpoint (evaluating it needs the same one).
      const exported = await session.exportModel(info.runId);
      expect((JSON.parse(new TextDecoder().decode(exported.archive)) as { summary: { bert: unknown } }).summary.bert).toEqual(checkpoint);
    });

    it("a dead worker's BERT run gets its features when it resumes, not before; without a source it says so", async () => {
      const { features, asked } = source();
      const { session, trainers, events } = setup(() => ({ batches: 1 }), { features });
      const info: RunInfo = { runId: 'run-4', label: 'MTAA + BERT', config: bertConfig(2), datasetName: 'toy.conll', backend: 'webgpu', bert: { checkpoint: 'tiny-bert', hash: 'a'.repeat(64) } };
      session.adoptRun({ info, config: bertConfig(2), status: 'failed', message: 'The worker died.', died: true, last: null, best: null });
      expect(asked.attach).toEqual([]);
      await session.resume('run-4');
      await until(() => statuses(events, 'run-4').includes('completed'), 'the adopted run');
      expect(asked.attach).toEqual(['run-4']);
      const { train, dev } = trainers[0]!.init.data;
      expect(train.length + dev.length).toBe(20);
      expect([...train, ...dev].every((s) => s.features?.[0] === s.words[0]!.length)).toBe(true);

      const bare = setup(() => ({ batches: 1 }));
      bare.session.adoptRun({ info, config: bertConfig(2), status: 'failed', message: 'The worker died.', died: true, last: null, best: null });
      await expect(bare.session.resume('run-4')).rejects.toThrow('MTAA + BERT trains on BERT features, which this worker cannot compute.');
      expect(bare.session.status('run-4')).toBe('failed');
    });
  });
});
