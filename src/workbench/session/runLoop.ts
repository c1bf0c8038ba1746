/**
 * A run's loop: builds its trainer (fresh, or from its last host checkpoint), trains it batch by
 * batch through the Trainer's `beforeBatch` hook (pause, single steps, test faults), takes a host
 * checkpoint after every epoch and after every `checkpointIntervalMs` of training (mid-epoch: a
 * resume then continues at that batch), throttles step events (but not a single step's), and ends the run: completed, stopped, failed
 * (its checkpoints stay for a resume), or halted from outside (a backend switch or loss).
 *
 * Runs are interleaved: each loop yields to the event loop before every batch, so several running
 * runs take turns batch by batch and the worker still answers the page between batches. tfjs
 * variables are global; every Trainer passes its own variable list to the optimiser, and a batch of
 * one run never overlaps a batch of another (each is synchronous between two yields).
 */
import { messageOf } from '../../core/errors.ts';
import type { Backend } from '../../core/config.ts';
import type { DoneEvent, RunStatus, TrainEvent } from '../../core/events.ts';
import { statusAfterDone } from '../../core/runState.ts';
import type { RunHandle } from '../../train/runEngine.ts';
import { resumePoint, type RunRecord, type SessionDeps } from './runRecord.ts';

function defaultYield(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export class RunLoop<H extends RunHandle> {
  private readonly yieldToEventLoop: () => Promise<void>;
  private readonly now: () => number;
  private readonly stepInterval: number;
  private readonly haltTimeout: number;

  constructor(private readonly deps: SessionDeps<H>) {
    this.yieldToEventLoop = deps.yieldToEventLoop ?? defaultYield;
    this.now = deps.now ?? (() => performance.now());
    this.stepInterval = deps.stepEventIntervalMs ?? 100;
    this.haltTimeout = deps.haltTimeoutMs ?? 5000;
  }

  /** Stops a run's loop at its next batch boundary (or after a timeout) and frees its tensors. */
  async halt(rec: RunRecord<H>, status: 'failed' | 'interrupted', message: string): Promise<void> {
    rec.halting = true;
    rec.controller?.abort();
    this.wake(rec);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      rec.loop ?? Promise.resolve(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.haltTimeout);
      }),
    ]);
    clearTimeout(timer);
    rec.generation++;
    rec.halting = false;
    rec.pendingCheckpoint = null;
    rec.pendingStep = null;
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    if (status === 'failed') rec.failedOn = rec.backend;
    this.setStatus(rec, status, message);
    this.settleSteps(rec);
  }

  /** A sibling of a restored run reads the stored dataset before its first batch. */
  async driveAfterLoad(rec: RunRecord<H>): Promise<void> {
    const gen = rec.generation;
    try {
      await this.ensureData(rec);
    } catch (error) {
      this.fail(rec, gen, error);
      return;
    }
    await this.drive(rec);
  }

  /** A restored run's data, read once however many ask at a time (a resume, the inspector's list). */
  private readonly loading = new WeakMap<RunRecord<H>, Promise<void>>();

  async ensureData(rec: RunRecord<H>): Promise<void> {
    const load = rec.loadData;
    if (!load) return;
    let pending = this.loading.get(rec);
    if (!pending) {
      pending = load().then((data) => {
        rec.data = data;
        rec.loadData = null;
      });
      this.loading.set(rec, pending);
      // A failed read (the dataset gone) may be tried again; the record keeps its loadData.
      pending.catch(() => this.loading.delete(rec));
    }
    await pending;
  }

  /** Builds the run's trainer (fresh, or from its last checkpoint) and trains until it ends. */
  async drive(rec: RunRecord<H>): Promise<void> {
    const gen = ++rec.generation;
    const controller = new AbortController();
    rec.controller = controller;
    rec.backend = this.deps.backends.active();
    rec.halting = false;
    let handle: H;
    try {
      const previous = rec.handle ?? undefined;
      const host = previous?.model ?? rec.host ?? undefined;
      const from =
        rec.last
          ? {
              ...(previous ? { previous } : {}),
              ...(host ? { host } : {}),
              checkpoint: rec.last,
              resume: {
                epoch: rec.last.epoch,
                step: rec.last.step,
                ...(rec.last.batch ? { batch: rec.last.batch } : {}),
                ...(rec.best ? { best: { score: rec.best.score, epoch: rec.best.epoch, scores: rec.best.scores, weights: rec.best.weights } } : {}),
              },
            }
          : undefined;
      handle = this.deps.engine.createTrainer({
        runId: rec.info.runId,
        config: structuredClone(rec.config),
        data: rec.data,
        ...(from ? { from } : {}),
        ...(!from && rec.pretrained ? { pretrained: { vocabularies: rec.pretrained.vocabularies, wordInit: rec.pretrained.wordInit } } : {}),
      });
    } catch (error) {
      this.fail(rec, gen, error);
      return;
    }
    rec.handle = handle;
    rec.alive = true;
    rec.checkpointClock = this.now();
    try {
      const done = await handle.run({
        signal: controller.signal,
        onEvent: (event) => this.onTrainEvent(rec, gen, event),
        beforeBatch: () => this.beforeBatch(rec, gen, handle, controller.signal),
        // A single step of a paused run reports its batch: the page shows it at once.
        reportNow: () => rec.stepInFlight,
      });
      if (gen !== rec.generation || rec.halting) return;
      // The model now holds its best weights: keep them on the host if the last epoch was the best.
      const pending = rec.pendingCheckpoint;
      rec.pendingCheckpoint = null;
      if (pending?.best) await this.takeCheckpoint(rec, handle, pending);
      if (gen !== rec.generation) return;
      // Before the status: whoever waits for the run to end (a study) finds its test scores there.
      if (done.reason !== 'diverged') await this.scoreTest(rec, handle, done);
      if (gen !== rec.generation) return;
      this.deps.engine.release(handle);
      if (done.reason === 'diverged') {
        rec.failedOn = rec.backend;
        // As for other failures, say where a resume starts: the last checkpoint with finite weights
        // (takeCheckpoint skips weights that went NaN in an epoch's last batch).
        this.setStatus(rec, 'failed', `${done.message ?? 'the loss diverged'}. Resume continues from ${resumePoint(rec.last)}.`);
      } else {
        this.setStatus(rec, statusAfterDone(done.reason));
      }
    } catch (error) {
      this.fail(rec, gen, error);
    } finally {
      if (gen === rec.generation) this.settleSteps(rec);
    }
  }

  /**
   * Scores the run's best epoch on its test file: the trainer restored the best weights when it
   * finished, so the model holds them now. Nothing before the first epoch (no best yet). A scoring
   * error does not fail the run (its training is done); the event carries the message instead.
   */
  private async scoreTest(rec: RunRecord<H>, handle: H, done: DoneEvent): Promise<void> {
    const test = rec.test;
    const score = this.deps.engine.score;
    if (!test || !score || done.bestEpoch <= 0) return;
    const base = { type: 'test-scores' as const, runId: rec.info.runId, epoch: done.bestEpoch, fileName: test.fileName };
    try {
      const { scores, breakdown } = await score.call(this.deps.engine, handle, test.sentences);
      this.deps.emit({ ...base, scores, ...(breakdown ? { breakdown } : {}) });
    } catch (error) {
      this.deps.emit({ ...base, scores: [], message: `${test.fileName}: could not be scored (${messageOf(error)})` });
    }
  }

  /** An exception while training: the run fails; its host checkpoints stay for `resume`. */
  private fail(rec: RunRecord<H>, gen: number, error: unknown): void {
    if (gen !== rec.generation || rec.halting) return;
    rec.generation++;
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    rec.failedOn = rec.backend;
    const next = this.deps.backends.next(rec.backend);
    this.setStatus(
      rec,
      'failed',
      `Training failed on ${rec.backend}: ${messageOf(error)}. Resume continues from ${resumePoint(rec.last)}` +
        (next ? ` on ${next}.` : '.'),
    );
    this.settleSteps(rec);
  }

  private async beforeBatch(rec: RunRecord<H>, gen: number, handle: H, signal: AbortSignal): Promise<void> {
    if (rec.stepInFlight) {
      // The step's report goes out before its answer: the page has the new progress when Step resolves.
      rec.stepInFlight = false;
      this.flushStep(rec);
      this.settleSteps(rec);
    }
    await this.yieldToEventLoop();
    if (gen !== rec.generation) return;
    if (rec.pendingCheckpoint) {
      const pending = rec.pendingCheckpoint;
      rec.pendingCheckpoint = null;
      await this.takeCheckpoint(rec, handle, pending);
    } else if (this.checkpointDue(rec, handle)) {
      await this.takeCheckpoint(rec, handle, { epoch: handle.epoch, step: handle.step, batch: handle.batchInEpoch, best: false, score: 0, scores: [] });
    }
    if (gen !== rec.generation) return;
    if (rec.pendingStep && this.now() - rec.lastStepSent >= this.stepInterval) this.flushStep(rec);
    if (rec.paused && rec.stepsAllowed === 0) {
      const pausedAt = this.now();
      while (rec.paused && rec.stepsAllowed === 0 && !signal.aborted && gen === rec.generation) {
        this.flushStep(rec);
        await new Promise<void>((resolve) => {
          rec.wake = resolve;
        });
        rec.wake = null;
      }
      // Time spent paused is not training time: the next checkpoint by time moves on by as much.
      rec.checkpointClock += this.now() - pausedAt;
    }
    if (signal.aborted || gen !== rec.generation) return;
    if (rec.injectedFailure !== null) {
      const message = rec.injectedFailure;
      rec.injectedFailure = null;
      throw new Error(message);
    }
    if (rec.injectedNaN) {
      rec.injectedNaN = false;
      handle.updateLiveSettings({ learningRate: Number.NaN });
    }
    if (rec.paused && rec.stepsAllowed > 0) {
      rec.stepsAllowed--;
      rec.stepInFlight = true;
    }
  }

  /**
   * Whether a checkpoint by time is due: `checkpointIntervalMs` of training since the last one, and
   * the run is inside an epoch (an epoch's end has its own) at a point not checkpointed yet.
   */
  private checkpointDue(rec: RunRecord<H>, handle: H): boolean {
    const batch = handle.batchInEpoch;
    if (batch === undefined || batch === 0 || rec.last?.step === handle.step) return false;
    // Read each time: the browser tests shorten it while the worker runs (a test hook).
    return this.now() - rec.checkpointClock >= (this.deps.checkpointIntervalMs ?? 60_000);
  }

  private async takeCheckpoint(
    rec: RunRecord<H>,
    handle: H,
    pending: NonNullable<RunRecord<H>['pendingCheckpoint']> & { batch?: number },
  ): Promise<void> {
    // Whatever comes of it, the next checkpoint by time is an interval of training away.
    rec.checkpointClock = this.now();
    try {
      const weights = await this.deps.engine.readWeights(handle);
      // Weights gone NaN in the epoch's last batch would make a checkpoint no resume recovers from.
      if (!weights.every((w) => w.data.every(Number.isFinite))) return;
      rec.last = { epoch: pending.epoch, step: pending.step, ...(pending.batch ? { batch: pending.batch } : {}), weights };
      if (pending.best) rec.best = { ...rec.last, score: pending.score, scores: pending.scores };
      // Without IndexedDB, a copy for the page: if this worker dies, a new one resumes from it.
      if (this.deps.checkpointsToPage?.()) {
        this.deps.emit({
          type: 'checkpoint',
          runId: rec.info.runId,
          checkpoint: rec.last,
          best: pending.best,
          score: pending.score,
          scores: pending.scores,
        });
      }
    } catch {
      // The device may be failing: keep the previous checkpoint, the failure surfaces elsewhere.
      return;
    }
    if (handle.model) rec.host = { tasks: handle.model.tasks, vocabularies: handle.model.vocabularies };
    if (rec.host) this.deps.onCheckpoint?.(rec.info.runId, { last: rec.last, best: pending.best ? rec.best : null, model: rec.host });
  }

  private onTrainEvent(rec: RunRecord<H>, gen: number, event: TrainEvent): void {
    if (gen !== rec.generation || rec.halting) return;
    switch (event.type) {
      case 'step': {
        // Throttled, except the report of a single step (a paused run's only news for a while).
        if (rec.stepInFlight || this.now() - rec.lastStepSent >= this.stepInterval) {
          rec.pendingStep = event;
          this.flushStep(rec);
        } else rec.pendingStep = event;
        return;
      }
      case 'epoch':
        this.flushStep(rec);
        if (Number.isFinite(event.train.total)) {
          rec.pendingCheckpoint = { epoch: event.epoch, step: event.step, best: event.best, score: event.devScore, scores: event.dev.scores };
        }
        this.deps.emit(event);
        return;
      case 'done':
        this.flushStep(rec);
        this.deps.emit(event);
        return;
    }
  }

  private flushStep(rec: RunRecord<H>): void {
    if (!rec.pendingStep) return;
    const event = rec.pendingStep;
    rec.pendingStep = null;
    rec.lastStepSent = this.now();
    this.deps.emit(event);
  }

  /** `moved`: the backend the run now trains on and the step it was rewound to (a resume). */
  setStatus(rec: RunRecord<H>, status: RunStatus, message?: string, moved?: { backend: Backend; rewoundTo: number }): void {
    rec.status = status;
    rec.paused = status === 'paused';
    if (message === undefined) delete rec.message;
    else rec.message = message;
    this.deps.emit({
      type: 'run-status',
      runId: rec.info.runId,
      status,
      ...(message !== undefined ? { message } : {}),
      ...(moved ?? {}),
    });
  }

  settleSteps(rec: RunRecord<H>): void {
    const waiters = rec.stepWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  wake(rec: RunRecord<H>): void {
    rec.wake?.();
  }
}
