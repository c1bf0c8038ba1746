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
import { splitTrainDev, type Dataset } from '../../data/index.ts';
import type { Sentence, TaskSpec } from '../../data/types.ts';
import { presets, validateConfig, type Backend, type RunConfig } from '../../core/config.ts';
import { fieldProblem, liveKeys } from '../../core/configFields.ts';
import { ACTIVE_STATUSES, statusAfterDone } from '../../core/runState.ts';
import type { DoneEvent, LiveChange, RunInfo, RunStatus, StepEvent, TaskScore, TrainEvent } from '../../core/events.ts';
import type { SentenceInspection } from '../../core/inspection.ts';
import type { BackendFault, BackendInfo, ExportedModel, AdoptedRun, WorkerEvent } from '../../protocol.ts';
import { encodeModelFiles, zipModel } from '../../train/formats/checkpoint.ts';
import { alignDatasetToModel, checkTrainingTags } from '../datasets/continueData.ts';
import type { NamedWeight } from '../../train/formats/safetensors.ts';
import type { TrainingData } from '../../train/trainer.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';

export type { BestCheckpoint, CreateTrainerInit, HostCheckpoint, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';
import type { PretrainedStart } from '../../train/wordVectors.ts';

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
  /** The dataset new runs train on (the worker's DatasetStore); `currentHash` identifies its file. */
  datasets: {
    readonly current: Dataset | null;
    readonly currentHash?: string | null;
    /** A test file aligned to `current`'s tasks: runs started now are scored on it when they end. */
    readonly test?: Dataset | null;
  };
  /**
   * Told of every host checkpoint as it is taken (the worker keeps them in IndexedDB): the epoch's
   * weights, and `best` when that epoch is the best so far.
   */
  onCheckpoint?(runId: string, checkpoint: { last: HostCheckpoint; best: BestCheckpoint | null; model: HostModel }): void;
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
  /** Tasks and vocabularies of a run restored from storage (it has no trainer to lend them). */
  host: HostModel | null;
  /** A restored run's train/dev split, rebuilt from the stored dataset on its first resume. */
  loadData: (() => Promise<TrainingData>) | null;
  /** Test hook: the next batch trains with a NaN learning rate (weights, then the loss, become NaN). */
  injectedNaN?: boolean;
  /** Pre-trained start of the word table: used until the run has a checkpoint to rebuild from. */
  pretrained?: PretrainedStart;
  /** The test file loaded when the run started (a sibling: its parent's): scored when the run ends. */
  test?: { fileName: string; sentences: readonly Sentence[] };
}

/** What says which run a record is; the loop state of a new record starts idle (`newRunRecord`). */
type RunIdentity<H> = Pick<RunRecord<H>, 'info' | 'config' | 'data' | 'status' | 'backend' | 'last' | 'best' | 'host' | 'loadData'> &
  Partial<Pick<RunRecord<H>, 'message' | 'pretrained' | 'test'>>;

/** A run record with no loop, no trainer and nothing pending: started, restored and adopted runs begin so. */
function newRunRecord<H>(identity: RunIdentity<H>): RunRecord<H> {
  return {
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
    pendingCheckpoint: null,
    failedOn: null,
    lastStepSent: -Infinity,
    pendingStep: null,
    injectedFailure: null,
    ...identity,
  };
}

/** A run brought back from storage after a reload (RunStorage → worker → session). */
export interface RestoredRun {
  info: RunInfo;
  /** The effective config (live changes included). */
  config: RunConfig;
  status: RunStatus;
  message?: string;
  last: HostCheckpoint | null;
  best: BestCheckpoint | null;
  host: HostModel | null;
  /** Rebuilds the run's train/dev split from the stored dataset (only needed to train on). */
  loadData: () => Promise<TrainingData>;
}

/** The train/dev split a run on `dataset` trains on: seeded, so a restored run gets the same one. */
export function splitForRun(dataset: Dataset, config: RunConfig): TrainingData {
  const split = splitTrainDev(dataset.sentences, { devFraction: config.train.devFraction, seed: config.train.seed });
  if (split.train.length === 0) throw new SessionError(`${dataset.name}: no sentences left for training after the dev split.`);
  return { tasks: dataset.tasks, train: split.train, dev: split.dev };
}

/** The test file for a run on `tasks`, if it is aligned to them (same names, same order). */
function testFor(test: Dataset | null, tasks: readonly TaskSpec[]): RunRecord<unknown>['test'] {
  if (!test || test.tasks.length !== tasks.length || test.tasks.some((t, k) => t.name !== tasks[k]!.name)) return undefined;
  return { fileName: test.name, sentences: test.sentences };
}

const ACTIVE = ACTIVE_STATUSES;
/** Sentences tagged in one request (each is decoded on its own). */
const MAX_TAG_LINES = 500;

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

  /**
   * Starts a run on the current dataset, or a sibling on its parent's data and seed. `pretrained`
   * builds the run's initial word table from its training data (pre-trained vectors).
   */
  startRun(config: RunConfig, label: string, siblingOf?: string, pretrained?: (data: TrainingData, config: RunConfig) => PretrainedStart): RunInfo {
    const own = structuredClone(config);
    validateConfig(own);
    let data: TrainingData;
    let datasetName: string;
    let datasetHash: string | undefined;
    let loadData: RunRecord<H>['loadData'] = null;
    let test: RunRecord<H>['test'];
    if (siblingOf !== undefined) {
      const parent = this.record(siblingOf);
      data = parent.data;
      test = parent.test;
      loadData = parent.loadData;
      datasetName = parent.info.datasetName;
      datasetHash = parent.info.datasetHash;
    } else {
      const dataset = this.deps.datasets.current;
      if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
      data = splitForRun(dataset, own);
      test = testFor(this.deps.datasets.test ?? null, data.tasks);
      datasetName = dataset.name;
      datasetHash = this.deps.datasets.currentHash ?? undefined;
    }
    // A restored parent's data is only read when the sibling starts: its vectors would have nothing to cover yet.
    if (pretrained && loadData) throw new SessionError('Pre-trained vectors need the run\'s data in memory: resume the parent run first, or start a new run.');
    const start = pretrained?.(data, own);
    const runId = `run-${++this.counter}`;
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: label.trim() || runId,
      config: structuredClone(own),
      datasetName,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      ...(siblingOf !== undefined ? { siblingOf } : {}),
      ...(start ? { vectors: start.info } : {}),
    };
    const rec = newRunRecord<H>({
      info,
      config: own,
      data,
      status: 'running',
      backend,
      last: null,
      best: null,
      host: null,
      loadData,
      ...(start ? { pretrained: start } : {}),
      ...(test ? { test } : {}),
    });
    this.runs.set(runId, rec);
    this.order.push(runId);
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    rec.loop = loadData ? this.driveAfterLoad(rec) : this.drive(rec);
    return structuredClone(info);
  }

  /**
   * Brings back a run kept in storage: it has its checkpoints but no trainer. It is not trained
   * until resumed (its data is re-read then). Emits nothing: the page reads restored runs itself.
   */
  restoreRun(saved: RestoredRun): void {
    const runId = saved.info.runId;
    if (this.runs.has(runId)) throw new SessionError(`There is already a run ${runId}.`);
    const n = /^run-(\d+)$/.exec(runId);
    if (n) this.counter = Math.max(this.counter, Number(n[1]));
    const rec = newRunRecord<H>({
      info: structuredClone(saved.info),
      config: structuredClone(saved.config),
      data: { tasks: saved.host?.tasks ?? [], train: [], dev: [] },
      status: saved.status,
      ...(saved.message !== undefined ? { message: saved.message } : {}),
      backend: saved.info.backend,
      last: saved.last,
      best: saved.best,
      host: saved.host,
      loadData: saved.loadData,
    });
    this.runs.set(runId, rec);
    this.order.push(runId);
  }

  /**
   * Adds a model read from an archive as a `completed` run: it can tag text, be inspected and be
   * exported; its weights are kept like a checkpoint (so it survives a reload).
   */
  importModel(saved: { config: RunConfig; host: HostModel; weights: NamedWeight[]; summary?: Record<string, unknown> }, fileName: string): RunInfo {
    const load = this.deps.engine.loadModel;
    if (!load) throw new SessionError('This worker cannot load models.');
    const config = structuredClone(saved.config);
    validateConfig(config);
    const runId = `run-${this.counter + 1}`;
    const handle = load.call(this.deps.engine, { runId, config, host: saved.host, weights: saved.weights });
    this.counter++;
    const summary = saved.summary ?? {};
    const epoch = typeof summary.epoch === 'number' ? summary.epoch : 0;
    const backend = this.deps.backends.active();
    const info: RunInfo = {
      runId,
      label: `imported ${fileName}`,
      config: structuredClone(config),
      datasetName: typeof summary.dataset === 'string' ? summary.dataset : fileName,
      backend,
      importedFrom: fileName,
    };
    const last: HostCheckpoint = { epoch, step: 0, weights: saved.weights };
    const best: BestCheckpoint = {
      ...last,
      score: typeof summary.devScore === 'number' ? summary.devScore : 0,
      scores: Array.isArray(summary.dev) ? (summary.dev as TaskScore[]) : [],
    };
    this.restoreRun({ info, config, status: 'completed', last, best, host: saved.host, loadData: () => Promise.reject(new SessionError(`${info.label} has no training data: it was imported.`)) });
    const rec = this.record(runId);
    rec.handle = handle;
    rec.alive = true;
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.setStatus(rec, 'completed', `Imported from ${fileName}: tag text or inspect it.`);
    this.deps.onCheckpoint?.(runId, { last, best, model: saved.host });
    return structuredClone(info);
  }

  /**
   * Continues training an imported model (or any run with weights and vocabularies) as a NEW run on
   * the current dataset; the source run stays as it was. The new run starts from the source's best
   * weights through the same path as a resume (`from.host` + `from.checkpoint`, at epoch 0 with a
   * fresh optimiser and schedule), keeps the source's vocabularies, and trains on the dataset
   * rewritten in the model's tasks and tag sets (alignDatasetToModel: refuses what would change
   * a shape). `config` must keep the source's model section (shapes); its training settings are the
   * new run's own.
   */
  continueRun(sourceId: string, config: RunConfig, label?: string): RunInfo {
    const source = this.record(sourceId);
    const host = source.host ?? source.handle?.model ?? null;
    const checkpoint = source.best ?? source.last;
    if (!host || !checkpoint) throw new SessionError(`${source.info.label} has no weights yet: there is nothing to continue from.`);
    const own = structuredClone(config);
    validateConfig(own);
    if (JSON.stringify(own.model) !== JSON.stringify(source.config.model)) {
      throw new SessionError(`Continuing ${source.info.label} keeps its model settings (they fix the weights' shapes); only training settings may differ.`);
    }
    const dataset = this.deps.datasets.current;
    if (!dataset) throw new SessionError('No dataset is loaded: drop a CoNLL file or load the sample first.');
    let data: TrainingData;
    try {
      const aligned = alignDatasetToModel(dataset, host, source.info.label);
      data = splitForRun(aligned, own);
      checkTrainingTags(aligned, data.train, host, source.info.label);
    } catch (error) {
      throw new SessionError(`Cannot continue ${source.info.label} on ${dataset.name}: ${messageOf(error)}`);
    }
    const runId = `run-${++this.counter}`;
    const backend = this.deps.backends.active();
    const datasetHash = this.deps.datasets.currentHash ?? undefined;
    const info: RunInfo = {
      runId,
      label: label?.trim() || `${source.info.label} → ${dataset.name}`,
      config: structuredClone(own),
      datasetName: dataset.name,
      backend,
      ...(datasetHash !== undefined ? { datasetHash } : {}),
      continuedFrom: sourceId,
    };
    // Epoch 0 "checkpoint" = the source's weights: the first build, and a resume before the first
    // epoch ends, start from them rather than from a random initialisation.
    const start: HostCheckpoint = { epoch: 0, step: 0, weights: checkpoint.weights };
    this.restoreRun({ info, config: own, status: 'running', last: start, best: null, host, loadData: () => Promise.resolve(data) });
    const rec = this.record(runId);
    rec.data = data;
    rec.loadData = null;
    this.deps.emit({ type: 'run-started', run: structuredClone(info) });
    this.deps.onCheckpoint?.(runId, { last: start, best: null, model: host });
    rec.loop = this.drive(rec);
    return structuredClone(info);
  }

  /** A run with stored weights but no model in memory (restored after a reload) gets one to inspect with. */
  private materialise(rec: RunRecord<H>): void {
    if ((rec.handle && rec.alive) || ACTIVE.includes(rec.status)) return;
    const checkpoint = rec.best ?? rec.last;
    const load = this.deps.engine.loadModel;
    if (!checkpoint || !rec.host || !load) return;
    rec.handle = load.call(this.deps.engine, { runId: rec.info.runId, config: structuredClone(rec.config), host: rec.host, weights: checkpoint.weights });
    rec.alive = true;
  }

  /** Forgets a run (the page deleted it): stops it first if it is training, then frees it. */
  async forget(runId: string): Promise<void> {
    const rec = this.runs.get(runId);
    if (!rec) return;
    if (ACTIVE.includes(rec.status) && rec.loop) await this.halt(rec, 'interrupted', 'deleted');
    rec.generation++;
    if (rec.handle && rec.alive) this.deps.engine.dispose(rec.handle);
    rec.alive = false;
    this.runs.delete(runId);
    const at = this.order.indexOf(runId);
    if (at >= 0) this.order.splice(at, 1);
  }

  /** A sibling of a restored run reads the stored dataset before its first batch. */
  private async driveAfterLoad(rec: RunRecord<H>): Promise<void> {
    const gen = rec.generation;
    try {
      await this.ensureData(rec);
    } catch (error) {
      this.fail(rec, gen, error);
      return;
    }
    await this.drive(rec);
  }

  private async ensureData(rec: RunRecord<H>): Promise<void> {
    const load = rec.loadData;
    if (!load) return;
    rec.data = await load();
    rec.loadData = null;
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
      // Before the status: whoever waits for the run to end (a study) finds its test scores there.
      if (done.reason !== 'diverged') await this.scoreTest(rec, handle, done);
      if (gen !== rec.generation) return;
      this.deps.engine.release(handle);
      if (done.reason === 'diverged') {
        rec.failedOn = rec.backend;
        // As for other failures, say where a resume starts: the last checkpoint with finite weights
        // (takeCheckpoint skips weights that went NaN in an epoch's last batch).
        this.setStatus(rec, 'failed', `${done.message ?? 'the loss diverged'}. Resume continues from epoch ${rec.last?.epoch ?? 0}.`);
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
      this.deps.emit({ ...base, scores: await score.call(this.deps.engine, handle, test.sentences) });
    } catch (error) {
      this.deps.emit({ ...base, scores: [], message: `${test.fileName}: could not be scored (${error instanceof Error ? error.message : String(error)})` });
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
    if (rec.injectedNaN) {
      rec.injectedNaN = false;
      handle.updateLiveSettings({ learningRate: Number.NaN });
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
      // Weights gone NaN in the epoch's last batch would make a checkpoint no resume recovers from.
      if (!weights.every((w) => w.data.every(Number.isFinite))) return;
      rec.last = { epoch: pending.epoch, step: pending.step, weights };
      if (pending.best) rec.best = { ...rec.last, score: pending.score, scores: pending.scores };
      // A copy for the page: if this worker dies, a new one resumes from it.
      this.deps.emit({
        type: 'checkpoint',
        runId: rec.info.runId,
        checkpoint: rec.last,
        best: pending.best,
        score: pending.score,
        scores: pending.scores,
      });
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
        if (this.now() - rec.lastStepSent >= this.stepInterval) {
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
    // A run restored from storage first re-reads its dataset (the same seeded split).
    await this.ensureData(rec);
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
    for (const key of liveKeys) {
      const value = settings[key];
      if (value === undefined) continue;
      // The same bounds as validateConfig: a live change cannot make a config no run could start with.
      const problem = fieldProblem(`train.${key}`, value);
      if (problem) throw new SessionError(`${key} ${problem}.`);
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

  /** Test hook: the run's next batch trains with a NaN learning rate, as an exploding update would. */
  simulateNaN(runId: string): void {
    const rec = this.record(runId);
    if (!ACTIVE.includes(rec.status)) throw new SessionError(`${rec.info.label} is ${rec.status}; only an active run can diverge.`);
    rec.injectedNaN = true;
  }

  /**
   * Takes over a run of a worker that died: same id, config, data split (from the current dataset,
   * or its parent's for a sibling) and checkpoints; it waits, failed or interrupted, for `resume`.
   */
  adoptRun(restored: AdoptedRun): void {
    const { info } = restored;
    const known = this.runs.get(info.runId);
    if (known && !known.alive && known.loadData !== null) {
      // Already brought back from storage by this worker: the page's account of what happened
      // wins, and so does its checkpoint when it is newer than the stored one.
      if (restored.last && (known.last === null || restored.last.epoch > known.last.epoch)) {
        known.last = restored.last;
        if (restored.best && (known.best === null || restored.best.epoch >= known.best.epoch)) known.best = restored.best;
      }
      this.setStatus(known, restored.status, restored.message);
      return;
    }
    if (known) throw new SessionError(`There is already a run ${info.runId}.`);
    const config = structuredClone(restored.config);
    validateConfig(config);
    let data: TrainingData;
    const parent = info.siblingOf !== undefined ? this.runs.get(info.siblingOf) : undefined;
    // A run continued from an imported model trains in that model's terms (its vocabularies, which
    // its data alone would not rebuild): they come from the imported run, kept in this session.
    const source = info.continuedFrom !== undefined ? this.runs.get(info.continuedFrom) : undefined;
    const host = source?.host ?? source?.handle?.model ?? null;
    if (parent) data = parent.data;
    else {
      const dataset = this.deps.datasets.current;
      if (!dataset || dataset.name !== info.datasetName) {
        throw new SessionError(`${info.label} trained on ${info.datasetName}, which is not loaded; it cannot be resumed.`);
      }
      if (info.continuedFrom !== undefined && !host) {
        throw new SessionError(`${info.label} continued ${info.continuedFrom}, which is gone; it cannot be resumed.`);
      }
      const own = host ? alignDatasetToModel(dataset, host, info.label) : dataset;
      const split = splitTrainDev(own.sentences, { devFraction: config.train.devFraction, seed: config.train.seed });
      data = { tasks: own.tasks, train: split.train, dev: split.dev };
    }
    const backend = this.deps.backends.active();
    // failedOn stays null: the worker died, not the backend, so resume stays on the active one.
    const rec = newRunRecord<H>({
      info: { ...structuredClone(info), backend },
      config,
      data,
      status: restored.status,
      message: restored.message,
      backend,
      last: restored.last,
      best: restored.best,
      host,
      loadData: null,
    });
    const number = Number(/^run-(\d+)$/.exec(info.runId)?.[1] ?? 0);
    this.counter = Math.max(this.counter, number);
    this.runs.set(info.runId, rec);
    this.order.push(info.runId);
    this.setStatus(rec, restored.status, restored.message);
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
   * The device under `backend` is gone (WebGPU `device.lost`, a context loss) or reported an error:
   * every run on it fails (its host checkpoints stay) and tfjs moves to the next backend.
   */
  async backendLost(backend: Backend, reason: string, fault: BackendFault = 'lost'): Promise<BackendInfo | null> {
    const affected = [...this.runs.values()].filter((r) => r.backend === backend && ACTIVE.includes(r.status));
    const next = this.deps.backends.next(backend);
    await Promise.all(
      affected.map((r) =>
        this.halt(
          r,
          'failed',
          `${fault === 'lost' ? `The ${backend} device was lost` : `The ${backend} backend reported an error`} (${reason}). ` +
            `Resume continues from epoch ${r.last?.epoch ?? 0}${next ? ` on ${next}` : ''}.`,
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

  async inspect(runId: string, request: { devIndex: number } | { text: string }): Promise<SentenceInspection> {
    const rec = this.record(runId);
    this.materialise(rec);
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

  /** Tags typed or pasted text, one sentence per non-empty line (words split on whitespace). */
  async tagText(runId: string, text: string): Promise<SentenceInspection[]> {
    const lines = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    if (lines.length === 0) throw new SessionError('Type or paste at least one sentence, one per line.');
    if (lines.length > MAX_TAG_LINES) throw new SessionError(`${lines.length} sentences is over the limit of ${MAX_TAG_LINES} at a time.`);
    const tagged: SentenceInspection[] = [];
    for (const line of lines) tagged.push(await this.inspect(runId, { text: line }));
    return tagged;
  }

  /** The run's best weights as one zip: the host checkpoint, or the model when no epoch ended yet. */
  async exportModel(runId: string): Promise<ExportedModel> {
    const rec = this.record(runId);
    if (!rec.handle) return this.exportStored(rec);
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

  /** A run restored from storage (no trainer): its best (else last) checkpoint, encoded on the host. */
  private exportStored(rec: RunRecord<H>): ExportedModel {
    const checkpoint = rec.best ?? rec.last;
    if (!checkpoint || !rec.host) throw new SessionError(`${rec.info.label} has no model yet.`);
    const summary: Record<string, unknown> = {
      runId: rec.info.runId,
      label: rec.info.label,
      dataset: rec.info.datasetName,
      backend: rec.backend,
      status: rec.status,
      epoch: checkpoint.epoch,
      ...(rec.best ? { bestEpoch: rec.best.epoch, devScore: rec.best.score, dev: rec.best.scores } : {}),
    };
    const bytes = zipModel(
      encodeModelFiles({ config: rec.config, tasks: rec.host.tasks, vocabularies: rec.host.vocabularies, weights: checkpoint.weights, summary }),
    );
    return { fileName: archiveName(rec.info.label, rec.info.runId), archive: bytes.slice().buffer as ArrayBuffer };
  }

  /** The tasks a run was trained on (for callers that label things). */
  tasks(runId: string): TaskSpec[] {
    return this.record(runId).data.tasks;
  }
}
