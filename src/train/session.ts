/**
 * The trainer worker's run book-keeping: starting runs (and siblings) on the current dataset,
 * pause / resume / stop / single steps through the Trainer's `beforeBatch` hook and an AbortSignal,
 * live settings, host checkpoints after every epoch, failure and recovery on another backend,
 * throttled progress events, inspection and export.
 *
 * No tfjs and no DOM here: the tfjs parts come in through `SessionEngine`, the backend switching
 * through `SessionBackends`, so the state machine is unit-tested with fakes (session.test.ts).
 *
 * Runs are interleaved: each run's loop yields to the event loop before every batch, so several
 * running runs take turns batch by batch and the worker still answers the page between batches.
 * tfjs variables are global; every Trainer passes its own variable list to the optimiser, and a
 * batch of one run never overlaps a batch of another (each is synchronous between two yields).
 */
import { splitTrainDev, type Dataset } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { presets, validateConfig, type Backend, type RunConfig } from '../model/config.ts';
import type {
  BackendInfo,
  DoneEvent,
  ExportedModel,
  LiveChange,
  RunInfo,
  RunStatus,
  SentenceInspection,
  StepEvent,
  TaskScore,
  TrainEvent,
  WorkerEvent,
} from '../protocol.ts';
import type { NamedWeight } from './safetensors.ts';
import type { LiveSettings, ResumePoint, TrainerHooks, TrainingData } from './trainer.ts';

/** What the session needs of a Trainer (the real one satisfies it structurally). */
export interface RunHandle {
  readonly step: number;
  /** Epochs completed. */
  readonly epoch: number;
  run(hooks: TrainerHooks): Promise<DoneEvent>;
  updateLiveSettings(patch: Partial<LiveSettings>): void;
}

/** Weights on the host at the end of an epoch: they survive the loss of the device. */
export interface HostCheckpoint {
  epoch: number;
  step: number;
  weights: NamedWeight[];
}

export interface BestCheckpoint extends HostCheckpoint {
  score: number;
  scores: TaskScore[];
}

export interface CreateTrainerInit<H> {
  runId: string;
  config: RunConfig;
  data: TrainingData;
  /** Rebuild from a checkpoint: `previous` lends its vocabularies and tasks (host data only). */
  from?: { previous: H; checkpoint: HostCheckpoint; resume: ResumePoint };
}

/** The tfjs side (src/train/sessionEngine.ts in the worker, a fake in tests). */
export interface SessionEngine<H extends RunHandle> {
  createTrainer(init: CreateTrainerInit<H>): H;
  /** Reads every weight back (device → host), in the model's variable order. */
  readWeights(handle: H): Promise<NamedWeight[]>;
  /** Frees everything the run holds on the device; never throws (the device may be gone). */
  dispose(handle: H): void;
  /** After a normal end: frees the optimiser, keeps the model for inspection and export. */
  release(handle: H): void;
  /** The model files as one zip, with these weights. */
  exportArchive(handle: H, weights: readonly NamedWeight[], summary: Record<string, unknown>): Uint8Array;
  inspect(handle: H, sentence: Sentence): SentenceInspection;
}

export interface SessionBackends {
  /** The backend tfjs runs on now. */
  active(): Backend;
  /** Switches tfjs to `name`, or to the next one that starts; says where it landed. */
  switchTo(name: Backend): Promise<BackendInfo>;
  /** The backend after `failed` in preference order that is still available (null: none). */
  next(failed: Backend): Backend | null;
}

export interface SessionDeps<H extends RunHandle> {
  engine: SessionEngine<H>;
  backends: SessionBackends;
  /** The dataset new runs train on (the worker's DatasetStore). */
  datasets: { readonly current: Dataset | null };
  emit(event: WorkerEvent): void;
  /** Resolves after pending messages had their turn (default: a MessageChannel round trip). */
  yieldToEventLoop?: () => Promise<void>;
  now?: () => number;
  /** Least time between two step events of one run (default 100 ms: ≤ 10 a second). */
  stepEventIntervalMs?: number;
  /** How long to wait for a run's loop to notice an abort before freeing it anyway (default 5 s). */
  haltTimeoutMs?: number;
}

interface RunRecord<H> {
  info: RunInfo;
  /** The effective config: the run's own plus every live change (what a rebuild uses). */
  config: RunConfig;
  data: TrainingData;
  status: RunStatus;
  message?: string;
  backend: Backend;
  handle: H | null;
  /** Whether `handle` still has its tensors (false once disposed after a failure or interruption). */
  alive: boolean;
  /** Bumped whenever a loop is abandoned: events and endings of older loops are ignored. */
  generation: number;
  loop: Promise<void> | null;
  controller: AbortController | null;
  halting: boolean;
  paused: boolean;
  /** Batches a paused run may still take (single steps). */
  stepsAllowed: number;
  stepInFlight: boolean;
  stepWaiters: (() => void)[];
  wake: (() => void) | null;
  last: HostCheckpoint | null;
  best: BestCheckpoint | null;
  /** Set by an epoch event; the weights are read back before the next batch (the loop is idle then). */
  pendingCheckpoint: { epoch: number; step: number; best: boolean; score: number; scores: TaskScore[] } | null;
  /** The backend a failed run failed on. */
  failedOn: Backend | null;
  lastStepSent: number;
  pendingStep: StepEvent | null;
  /** Test hook: the next batch throws this message instead of training. */
  injectedFailure: string | null;
}

const ACTIVE: readonly RunStatus[] = ['running', 'paused', 'queued'];

export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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

/** Splits words on whitespace; what the inspector does with typed text. */
export function tokenize(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/** A file name for a run's archive: its label in safe characters. */
export function archiveName(label: string, runId: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[^\w.+-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `mtaa-${slug || 'model'}-${runId}.zip`;
}

export class TrainingSession<H extends RunHandle> {
  private readonly runs = new Map<string, RunRecord<H>>();
  private readonly order: string[] = [];
  private counter = 0;
  private readonly yieldToEventLoop: () => Promise<void>;
  private readonly now: () => number;
  private readonly stepInterval: number;
  private readonly haltTimeout: number;
  /** Serialises backend switches (each one halts runs and awaits tfjs). */
  private switching: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SessionDeps<H>) {
    this.yieldToEventLoop = deps.yieldToEventLoop ?? defaultYield;
    this.now = deps.now ?? (() => performance.now());
    this.stepInterval = deps.stepEventIntervalMs ?? 100;
    this.haltTimeout = deps.haltTimeoutMs ?? 5000;
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  status(runId: string): RunStatus {
    return this.record(runId).status;
  }

  /** For tests and diagnostics: the host checkpoints of a run. */
  checkpoints(runId: string): { last: HostCheckpoint | null; best: BestCheckpoint | null } {
    const rec = this.record(runId);
    return { last: rec.last, best: rec.best };
  }

  private record(runId: string): RunRecord<H> {
    const rec = this.runs.get(runId);
    if (!rec) throw new SessionError(`There is no run ${runId}.`);
    return rec;
  }

  // ------------------------------------------------------------------------------------------
  // Starting

  /** Starts a run on the current dataset, or a sibling on its parent's data and seed. */
  startRun(config: RunConfig, label: string, siblingOf?: string): RunInfo {
    const own = structuredClone(config);
    validateConfig(own);
    let data: TrainingData;
    let datasetName: string;
    if (siblingOf !== undefined) {
      const parent = this.record(siblingOf);
      data = parent.data;
      datasetName = parent.info.datasetName;
    } else {
      const dataset = this.deps.datasets.current;
      if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
      const split = splitTrainDev(dataset.sentences, { devFraction: own.train.devFraction, seed: own.train.seed });
      if (split.train.length === 0) throw new SessionError(`${dataset.name}: no sentences left for training after the dev split.`);
      data = { tasks: dataset.tasks, train: split.train, dev: split.dev };
      datasetName = dataset.name;
    }
    const runId = `run-${++this.counter}`;
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: label.trim() || runId,
      config: structuredClone(own),
      datasetName,
      backend,
      ...(siblingOf !== undefined ? { siblingOf } : {}),
    };
    const rec: RunRecord<H> = {
      info,
      config: own,
      data,
      status: 'running',
      backend,
      handle: null,
      alive: false,
      generation: 0,
      loop: null,
      controller: null,
      halting: false,
      paused: false,
      stepsAllowed: 0,
      stepInFlight: false,
      stepWaiters: [],
      wake: null,
      last: null,
      best: null,
      pendingCheckpoint: null,
      failedOn: null,
      lastStepSent: -Infinity,
      pendingStep: null,
      injectedFailure: null,
    };
    this.runs.set(runId, rec);
    this.order.push(runId);
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    rec.loop = this.drive(rec);
    return structuredClone(info);
  }

  /** Builds the run's trainer (fresh, or from its last checkpoint) and trains until it ends. */
  private async drive(rec: RunRecord<H>): Promise<void> {
    const gen = ++rec.generation;
    const controller = new AbortController();
    rec.controller = controller;
    rec.backend = this.deps.backends.active();
    rec.halting = false;
    let handle: H;
    try {
      const previous = rec.handle;
      const from =
        previous && rec.last
          ? {
              previous,
              checkpoint: rec.last,
              resume: {
                epoch: rec.last.epoch,
                step: rec.last.step,
                ...(rec.best ? { best: { score: rec.best.score, epoch: rec.best.epoch, scores: rec.best.scores, weights: rec.best.weights } } : {}),
              },
            }
          : undefined;
      handle = this.deps.engine.createTrainer({
        runId: rec.info.runId,
        config: structuredClone(rec.config),
        data: rec.data,
        ...(from ? { from } : {}),
      });
    } catch (error) {
      this.fail(rec, gen, error);
      return;
    }
    rec.handle = handle;
    rec.alive = true;
    try {
      const done = await handle.run({
        signal: controller.signal,
        onEvent: (event) => this.onTrainEvent(rec, gen, event),
        beforeBatch: () => this.beforeBatch(rec, gen, handle, controller.signal),
      });
      if (gen !== rec.generation || rec.halting) return;
      // The model now holds its best weights: keep them on the host if the last epoch was the best.
      const pending = rec.pendingCheckpoint;
      rec.pendingCheckpoint = null;
      if (pending?.best) await this.takeCheckpoint(rec, handle, pending);
      if (gen !== rec.generation) return;
      this.deps.engine.release(handle);
      if (done.reason === 'diverged') {
        rec.failedOn = rec.backend;
        this.setStatus(rec, 'failed', done.message ?? 'the loss diverged');
      } else {
        this.setStatus(rec, done.reason === 'cancelled' ? 'stopped' : 'completed');
      }
    } catch (error) {
      this.fail(rec, gen, error);
    } finally {
      if (gen === rec.generation) this.settleSteps(rec);
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
      `Training failed on ${rec.backend}: ${messageOf(error)}. Resume continues from epoch ${rec.last?.epoch ?? 0}` +
        (next ? ` on ${next}.` : '.'),
    );
    this.settleSteps(rec);
  }

  private async beforeBatch(rec: RunRecord<H>, gen: number, handle: H, signal: AbortSignal): Promise<void> {
    if (rec.stepInFlight) {
      rec.stepInFlight = false;
      this.settleSteps(rec);
    }
    await this.yieldToEventLoop();
    if (gen !== rec.generation) return;
    if (rec.pendingCheckpoint) {
      const pending = rec.pendingCheckpoint;
      rec.pendingCheckpoint = null;
      await this.takeCheckpoint(rec, handle, pending);
    }
    if (rec.pendingStep && this.now() - rec.lastStepSent >= this.stepInterval) this.flushStep(rec);
    while (rec.paused && rec.stepsAllowed === 0 && !signal.aborted && gen === rec.generation) {
      this.flushStep(rec);
      await new Promise<void>((resolve) => {
        rec.wake = resolve;
      });
      rec.wake = null;
    }
    if (signal.aborted || gen !== rec.generation) return;
    if (rec.injectedFailure !== null) {
      const message = rec.injectedFailure;
      rec.injectedFailure = null;
      throw new Error(message);
    }
    if (rec.paused && rec.stepsAllowed > 0) {
      rec.stepsAllowed--;
      rec.stepInFlight = true;
    }
  }

  private async takeCheckpoint(
    rec: RunRecord<H>,
    handle: H,
    pending: NonNullable<RunRecord<H>['pendingCheckpoint']>,
  ): Promise<void> {
    try {
      const weights = await this.deps.engine.readWeights(handle);
      rec.last = { epoch: pending.epoch, step: pending.step, weights };
      if (pending.best) rec.best = { ...rec.last, score: pending.score, scores: pending.scores };
    } catch {
      // The device may be failing: keep the previous checkpoint, the failure surfaces elsewhere.
    }
  }

  private onTrainEvent(rec: RunRecord<H>, gen: number, event: TrainEvent): void {
    if (gen !== rec.generation || rec.halting) return;
    switch (event.type) {
      case 'step': {
        if (this.now() - rec.lastStepSent >= this.stepInterval) {
          rec.pendingStep = event;
          this.flushStep(rec);
        } else rec.pendingStep = event;
        return;
      }
      case 'epoch':
        this.flushStep(rec);
        rec.pendingCheckpoint = { epoch: event.epoch, step: event.step, best: event.best, score: event.devScore, scores: event.dev.scores };
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

  private setStatus(rec: RunRecord<H>, status: RunStatus, message?: string, backend?: Backend): void {
    rec.status = status;
    rec.paused = status === 'paused';
    if (message === undefined) delete rec.message;
    else rec.message = message;
    this.deps.emit({
      type: 'run-status',
      runId: rec.info.runId,
      status,
      ...(message !== undefined ? { message } : {}),
      ...(backend !== undefined ? { backend } : {}),
    });
  }

  private settleSteps(rec: RunRecord<H>): void {
    const waiters = rec.stepWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }

  private wake(rec: RunRecord<H>): void {
    rec.wake?.();
  }

  // ------------------------------------------------------------------------------------------
  // Controls

  pause(runId: string): void {
    const rec = this.record(runId);
    if (rec.status === 'paused') return;
    if (rec.status !== 'running') throw new SessionError(`${rec.info.label} is ${rec.status}; only a running run can be paused.`);
    this.setStatus(rec, 'paused');
  }

  async resume(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status === 'running') return;
    if (rec.status === 'paused') {
      this.setStatus(rec, 'running');
      this.wake(rec);
      return;
    }
    if (rec.status !== 'failed' && rec.status !== 'interrupted') {
      throw new SessionError(`${rec.info.label} is ${rec.status}; only a paused, failed or interrupted run can be resumed.`);
    }
    // Rebuild from the host checkpoint; a failed run moves to the next backend.
    const target = rec.status === 'failed' && rec.failedOn ? (this.deps.backends.next(rec.failedOn) ?? this.deps.backends.active()) : this.deps.backends.active();
    if (target !== this.deps.backends.active()) {
      await this.switchBackend(target, rec);
    }
    // A diverged run ended normally and still holds its model: free it before the rebuild.
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    rec.stepsAllowed = 0;
    rec.failedOn = null;
    rec.pendingStep = null;
    rec.backend = this.deps.backends.active();
    rec.info.backend = rec.backend;
    this.setStatus(rec, 'running', undefined, rec.backend);
    rec.loop = this.drive(rec);
  }

  async stop(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status === 'failed' || rec.status === 'interrupted') {
      this.setStatus(rec, 'stopped', rec.message);
      return;
    }
    if (!ACTIVE.includes(rec.status)) return;
    rec.controller?.abort();
    this.wake(rec);
    await rec.loop;
  }

  /** One batch of a paused run; resolves when it is done (or the run ended). */
  step(runId: string): Promise<void> {
    const rec = this.record(runId);
    if (rec.status !== 'paused') throw new SessionError(`${rec.info.label} is ${rec.status}; pause it to step one batch at a time.`);
    rec.stepsAllowed++;
    const done = new Promise<void>((resolve) => rec.stepWaiters.push(resolve));
    this.wake(rec);
    return done;
  }

  updateLive(runId: string, settings: LiveChange['settings']): LiveChange {
    const rec = this.record(runId);
    if (!ACTIVE.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; live settings apply to a running or paused run.`);
    const patch: LiveChange['settings'] = {};
    const previous: LiveChange['previous'] = {};
    const train = rec.config.train;
    for (const key of ['lambdaAdversarial', 'lambdaOrthogonality', 'learningRate'] as const) {
      const value = settings[key];
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < 0 || (key === 'learningRate' && value <= 0)) {
        throw new SessionError(`${key} must be a ${key === 'learningRate' ? 'positive' : 'non-negative'} number, got ${value}.`);
      }
      if (value === train[key]) continue;
      previous[key] = train[key];
      patch[key] = value;
    }
    Object.assign(train, patch);
    if (rec.handle && rec.alive) rec.handle.updateLiveSettings(patch);
    const handleEpoch = rec.handle?.epoch ?? 0;
    const change: LiveChange = {
      runId,
      step: rec.handle?.step ?? 0,
      epoch: Math.min(handleEpoch + 1, rec.config.train.epochs),
      settings: patch,
      previous,
    };
    if (Object.keys(patch).length > 0) this.deps.emit({ type: 'live-change', change });
    return change;
  }

  /** Test hook: makes the run's next batch fail with `message`, as a kernel error would. */
  simulateFailure(runId: string, message: string): void {
    const rec = this.record(runId);
    if (!ACTIVE.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can fail.`);
    rec.injectedFailure = message;
  }

  // ------------------------------------------------------------------------------------------
  // Backends

  /**
   * Switches the backend. Runs that are running or paused are interrupted first (tfjs has one
   * backend; their tensors live on the old one) and continue from their last checkpoint on resume.
   */
  async setBackend(name: Backend): Promise<BackendInfo> {
    return this.switchBackend(name, null);
  }

  private switchBackend(name: Backend, except: RunRecord<H> | null): Promise<BackendInfo> {
    const run = async () => {
      if (name !== this.deps.backends.active()) {
        const active = [...this.runs.values()].filter((r) => r !== except && ACTIVE.includes(r.status));
        await Promise.all(
          active.map((r) =>
            this.halt(
              r,
              'interrupted',
              `Interrupted by the switch from ${r.backend} to ${name}. Resume continues from epoch ${r.last?.epoch ?? 0}.`,
            ),
          ),
        );
      }
      const info = await this.deps.backends.switchTo(name);
      this.deps.emit({ type: 'backend', backend: info });
      return info;
    };
    const next = this.switching.then(run, run);
    this.switching = next.catch(() => undefined);
    return next;
  }

  /**
   * The device under `backend` is gone (WebGPU `device.lost`, a context loss): every run on it
   * fails (its host checkpoints stay) and tfjs moves to the next backend.
   */
  async backendLost(backend: Backend, reason: string): Promise<BackendInfo | null> {
    const affected = [...this.runs.values()].filter((r) => r.backend === backend && ACTIVE.includes(r.status));
    const next = this.deps.backends.next(backend);
    await Promise.all(
      affected.map((r) =>
        this.halt(
          r,
          'failed',
          `The ${backend} device was lost (${reason}). Resume continues from epoch ${r.last?.epoch ?? 0}${next ? ` on ${next}` : ''}.`,
        ),
      ),
    );
    return next && next !== this.deps.backends.active() ? this.switchBackend(next, null) : null;
  }

  /** Stops a run's loop at its next batch boundary (or after a timeout) and frees its tensors. */
  private async halt(rec: RunRecord<H>, status: 'failed' | 'interrupted', message: string): Promise<void> {
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

  // ------------------------------------------------------------------------------------------
  // Inspection and export

  devSentences(limit = 500, runId?: string): { index: number; text: string }[] {
    let dev: readonly Sentence[];
    const latest = runId !== undefined ? this.record(runId) : this.runs.get(this.order[this.order.length - 1] ?? '');
    if (latest) dev = latest.data.dev;
    else {
      const dataset = this.deps.datasets.current;
      if (!dataset) return [];
      const { devFraction, seed } = presets.tiny.train;
      dev = splitTrainDev(dataset.sentences, { devFraction, seed }).dev;
    }
    return dev.slice(0, Math.max(0, limit)).map((s, index) => ({ index, text: s.words.join(' ') }));
  }

  inspect(runId: string, request: { devIndex: number } | { text: string }): SentenceInspection {
    const rec = this.record(runId);
    if (!rec.handle || !rec.alive) {
      throw new SessionError(`${rec.info.label} has no model in memory (${rec.status}); resume it to inspect sentences.`);
    }
    let sentence: Sentence;
    if ('devIndex' in request) {
      const found = rec.data.dev[request.devIndex];
      if (!found) throw new SessionError(`There is no dev sentence ${request.devIndex} (the dev set has ${rec.data.dev.length}).`);
      sentence = found;
    } else {
      const words = tokenize(request.text);
      if (words.length === 0) throw new SessionError('Type a sentence to inspect.');
      sentence = { words, tags: rec.data.tasks.map(() => null) };
    }
    return this.deps.engine.inspect(rec.handle, sentence);
  }

  /** The run's best weights as one zip: the host checkpoint, or the model when no epoch ended yet. */
  async exportModel(runId: string): Promise<ExportedModel> {
    const rec = this.record(runId);
    if (!rec.handle) throw new SessionError(`${rec.info.label} has no model yet.`);
    let weights: NamedWeight[];
    let epoch: number;
    if (rec.best) {
      weights = rec.best.weights;
      epoch = rec.best.epoch;
    } else if (rec.alive && rec.status !== 'running') {
      weights = await this.deps.engine.readWeights(rec.handle);
      epoch = rec.handle.epoch;
    } else if (rec.last) {
      weights = rec.last.weights;
      epoch = rec.last.epoch;
    } else {
      throw new SessionError(`${rec.info.label} has not finished an epoch yet: wait for one, or pause the run to export its current weights.`);
    }
    const summary: Record<string, unknown> = {
      runId,
      label: rec.info.label,
      dataset: rec.info.datasetName,
      backend: rec.backend,
      status: rec.status,
      epoch,
      ...(rec.best ? { bestEpoch: rec.best.epoch, devScore: rec.best.score, dev: rec.best.scores } : {}),
    };
    const bytes = this.deps.engine.exportArchive(rec.handle, weights, summary);
    const archive =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
        ? bytes.buffer
        : (bytes.slice().buffer as ArrayBuffer);
    return { fileName: archiveName(rec.info.label, runId), archive };
  }

  /** The tasks a run was trained on (for callers that label things). */
  tasks(runId: string): TaskSpec[] {
    return this.record(runId).data.tasks;
  }
}
