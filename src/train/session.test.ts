/**
 * The session's state machine with a fake trainer and fake backends (no tfjs): start, pause /
 * step / resume, stop, live changes, failure and recovery on the next backend from the host
 * checkpoint, divergence, interruption by a backend switch, device loss, siblings, throttling.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import { presets, type Backend, type RunConfig } from '../model/config.ts';
import type { BackendInfo, DoneEvent, EpochEvent, RunStatus, StepEvent, WorkerEvent } from '../protocol.ts';
import type { NamedWeight } from './safetensors.ts';
import { archiveName, tokenize, TrainingSession, type CreateTrainerInit, type RunHandle, type SessionEngine } from './session.ts';
import type { LiveSettings, TrainerHooks } from './trainer.ts';

interface Script {
  batches: number;
  /** Throw inside this (global) step. */
  throwAt?: number;
  /** Report a non-finite loss at this step. */
  nanAt?: number;
  /** Dev score per epoch (default: the epoch number, so every epoch is the best). */
  scores?: number[];
}

class FakeTrainer implements RunHandle {
  step = 0;
  epoch = 0;
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
      for (let batch = 1; batch <= this.script.batches; batch++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) {
          reason = 'cancelled';
          break outer;
        }
        this.step++;
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
          elapsedSeconds: 1,
          etaSeconds: 1,
        };
        emit(step);
      }
      this.epoch = epoch;
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

function setup(scripts: (index: number, init: CreateTrainerInit<FakeTrainer>) => Script, opts: { interval?: number } = {}) {
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
    inspect: (_t, sentence) => ({
      words: sentence.words,
      tasks: [{ task: 'POS', predicted: sentence.words.map(() => 'A'), gold: sentence.tags[0] ?? null, representations: ['individual'], beta: null }],
    }),
  };
  const dataset = { name: 'toy.conll', tasks: [{ name: 'POS', column: 1, scheme: 'plain' }], sentences: sentences(20) } as unknown as Dataset;
  const session = new TrainingSession<FakeTrainer>({
    engine,
    backends,
    datasets: { current: dataset },
    emit: (e) => events.push(structuredClone(e)),
    yieldToEventLoop: () => new Promise((resolve) => setTimeout(resolve, 0)),
    stepEventIntervalMs: opts.interval ?? 0,
    haltTimeoutMs: 200,
  });
  return { session, events, trainers, backends, dataset };
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

  it('a diverged run is failed with its message; resume rebuilds it from its last epoch', async () => {
    const { session, events, trainers, backends } = setup((index) => (index === 0 ? { batches: 3, nanAt: 5 } : { batches: 3 }));
    session.startRun(config(2), 'MTAA');
    await until(() => session.status('run-1') === 'failed', 'failure');
    expect(events.findLast((e) => e.type === 'run-status')).toMatchObject({ status: 'failed', message: 'the loss became NaN' });
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

  it('throttles step events to one per interval per run, flushing the last before an epoch', async () => {
    const { session, events } = setup(() => ({ batches: 40 }), { interval: 60_000 });
    session.startRun(config(1), 'MTAA');
    await until(() => session.status('run-1') === 'completed', 'completion');
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    expect(steps.map((s) => s.batch)).toEqual([1, 40]);
  });

  it('exports the best checkpoint and inspects dev sentences and typed text', async () => {
    const { session, trainers } = setup(() => ({ batches: 2, scores: [3, 1] }));
    session.startRun(config(2), 'MTAA → average fusion');
    await until(() => session.status('run-1') === 'completed', 'completion');
    const exported = await session.exportModel('run-1');
    expect(exported.fileName).toBe('mtaa-MTAA-average-fusion-run-1.zip');
    const body = JSON.parse(new TextDecoder().decode(exported.archive)) as { weights: number[][]; summary: { bestEpoch: number } };
    expect(body.weights).toEqual([[2]]); // step 2 = the end of epoch 1, the best
    expect(body.summary.bestEpoch).toBe(1);

    const dev = session.devSentences(5);
    expect(dev).toHaveLength(2);
    expect(dev[0]).toEqual({ index: 0, text: trainers[0]!.init.data.dev[0]!.words.join(' ') });
    const inspected = session.inspect('run-1', { devIndex: 1 });
    expect(inspected.tasks[0]!.gold).toEqual(['A', 'B']);
    const typed = session.inspect('run-1', { text: '  The  cat\tsat ' });
    expect(typed.words).toEqual(['The', 'cat', 'sat']);
    expect(typed.tasks[0]!.gold).toBeNull();
    expect(() => session.inspect('run-1', { devIndex: 9 })).toThrow(/no dev sentence 9/);
    expect(() => session.inspect('run-1', { text: '   ' })).toThrow(/Type a sentence/);
  });

  it('before any run, dev sentences come from the current dataset with the presets split', () => {
    const { session } = setup(() => ({ batches: 1 }));
    expect(session.devSentences()).toHaveLength(2);
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
