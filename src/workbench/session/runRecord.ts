/**
 * What the session keeps of a run (its identity, data, checkpoints and loop state), what a session
 * is made of (its deps), and the train/dev split every run on a dataset gets. No tfjs: the tfjs side
 * comes in through `SessionDeps.engine`.
 */
import { splitTrainDev, type Dataset } from '../../data/index.ts';
import type { Sentence, TaskSpec } from '../../data/types.ts';
import type { Backend, RunConfig } from '../../core/config.ts';
import type { RunInfo, RunStatus, StepEvent, TaskScore } from '../../core/events.ts';
import type { BackendInfo, WorkerEvent } from '../../protocol.ts';
import type { BestCheckpoint, HostCheckpoint, HostModel, RunHandle, SessionEngine } from '../../train/runEngine.ts';
import type { TrainingData } from '../../train/trainer.ts';
import type { PretrainedStart } from '../../train/wordVectors.ts';

export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

export interface SessionBackends {
  /** The backend tfjs runs on now. */
  active(): Backend;
  /** Switches tfjs to `name`, or to the next one that starts; says where it landed. */
  switchTo(name: Backend): Promise<BackendInfo>;
  /** The backend after `failed` in preference order that is still available (null: none). */
  next(failed: Backend): Backend | null;
}

/**
 * Frozen word features (BERT) for runs whose config has `model.embedding.bert`, where the session
 * cannot take them from a run's start: the split of a run rebuilt after a reload or a worker's death,
 * and typed text. Both throw naming the checkpoint to drop when the features cannot be had.
 */
export interface RunFeatureSource {
  /** `data` (the run's train/dev split, rebuilt) with every sentence's features attached (new objects). */
  attach(run: RunInfo, data: TrainingData): Promise<TrainingData>;
  /** Features of typed sentences, `[words × dim]` each, with the run's own checkpoint and settings. */
  typed(run: RunInfo, sentences: readonly (readonly string[])[]): Promise<Float32Array[]>;
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
  /** BERT features of rebuilt runs and of typed text (without it, such runs cannot be resumed or tag text). */
  features?: RunFeatureSource;
  /**
   * Whether each checkpoint is also copied to the page (a `checkpoint` event): only when runs
   * cannot be kept in IndexedDB, so a new worker can still resume them if this one dies. With
   * IndexedDB the stored checkpoint is the one recovery path (default: no copies).
   */
  checkpointsToPage?(): boolean;
  /** Resolves after pending messages had their turn (default: a MessageChannel round trip). */
  yieldToEventLoop?: () => Promise<void>;
  now?: () => number;
  /** Least time between two step events of one run (default 100 ms: ≤ 10 a second). */
  stepEventIntervalMs?: number;
  /** How long to wait for a run's loop to notice an abort before freeing it anyway (default 5 s). */
  haltTimeoutMs?: number;
  /**
   * Training time (pauses not counted) after which a checkpoint is taken mid-epoch, besides the one
   * at every epoch's end (default 60 s): a resume loses at most about this much training.
   */
  checkpointIntervalMs?: number;
}

export interface RunRecord<H> {
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
  /** When (`SessionDeps.now`) the training time since the last checkpoint began; pauses move it on. */
  checkpointClock: number;
  /** The backend a failed run failed on. */
  failedOn: Backend | null;
  lastStepSent: number;
  pendingStep: StepEvent | null;
  /** Test hook: the next batch throws this message instead of training. */
  injectedFailure: string | null;
  /** Tasks and vocabularies of a run restored from storage (it has no trainer to lend them). */
  host: HostModel | null;
  /** A restored run's train/dev split, rebuilt from the stored dataset when first needed (resume, dev sentences). */
  loadData: (() => Promise<TrainingData>) | null;
  /** Brought back from storage after a reload (not started, imported or adopted in this worker). */
  fromStorage?: boolean;
  /** Test hook: the next batch trains with a NaN learning rate (weights, then the loss, become NaN). */
  injectedNaN?: boolean;
  /** Pre-trained start of the word table: used until the run has a checkpoint to rebuild from. */
  pretrained?: PretrainedStart;
  /** The test file loaded when the run started (a sibling: its parent's): scored when the run ends. */
  test?: { fileName: string; sentences: readonly Sentence[] };
}

/** What says which run a record is; the loop state of a new record starts idle (`newRunRecord`). */
export type RunIdentity<H> = Pick<RunRecord<H>, 'info' | 'config' | 'data' | 'status' | 'backend' | 'last' | 'best' | 'host' | 'loadData'> &
  Partial<Pick<RunRecord<H>, 'message' | 'pretrained' | 'test' | 'fromStorage'>>;

/** A run record with no loop, no trainer and nothing pending: started, restored and adopted runs begin so. */
export function newRunRecord<H>(identity: RunIdentity<H>): RunRecord<H> {
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
    checkpointClock: 0,
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

/** Where a resume continues from, as run messages say it: `epoch 2`, or `batch 40 of epoch 3` mid-epoch. */
export function resumePoint(last: { epoch: number; batch?: number } | null): string {
  if (!last) return 'epoch 0';
  return last.batch ? `batch ${last.batch} of epoch ${last.epoch + 1}` : `epoch ${last.epoch}`;
}

/** The train/dev split a run on `dataset` trains on: seeded, so a restored run gets the same one. */
export function splitForRun(dataset: Dataset, config: RunConfig): TrainingData {
  const split = splitTrainDev(dataset.sentences, { devFraction: config.train.devFraction, seed: config.train.seed });
  if (split.train.length === 0) throw new SessionError(`${dataset.name}: no sentences left for training after the dev split.`);
  return { tasks: dataset.tasks, train: split.train, dev: split.dev };
}

/** The test file for a run on `tasks`, if it is aligned to them (same names, same order). */
export function testFor(test: Dataset | null, tasks: readonly TaskSpec[]): RunRecord<unknown>['test'] {
  if (!test || test.tasks.length !== tasks.length || test.tasks.some((t, k) => t.name !== tasks[k]!.name)) return undefined;
  return { fileName: test.name, sentences: test.sentences };
}
