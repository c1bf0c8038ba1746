/**
 * Everything that crosses the boundary between the UI (main thread) and the trainer worker.
 * Types only: both sides import this file, neither imports the other.
 */
import type { ColumnGuess, FileFormat, TagScheme } from './data/types.ts';
import type { DatasetSummary as DataSummary, TaskSummary } from './data/dataset.ts';
import type { ColumnOverride } from './data/columnPlan.ts';
import type { Backend, PresetName, RunConfig, TrainConfig } from './model/config.ts';

export type { ColumnGuess, ColumnOverride, FileFormat, TagScheme, TaskSummary };

/**
 * What the UI knows of the loaded dataset (the sentences themselves stay in the worker): the data
 * layer's summary plus what the page needs to show and edit the columns.
 */
export interface DatasetSummary extends DataSummary {
  sizeBytes: number;
  columns: ColumnGuess[];
  /** Column index of the words. */
  wordColumn: number;
  /** Whether this is the built-in sample. */
  builtIn: boolean;
}

/** A data-layer error as plain data (Error objects lose their fields crossing postMessage). */
export interface DataErrorInfo {
  file: string;
  line?: number;
  kind: string;
  message: string;
}

export type LoadResult = { ok: true; dataset: DatasetSummary } | { ok: false; error: DataErrorInfo };

/** Which tfjs backend the worker runs on, and what it found. */
export interface BackendInfo {
  name: Backend;
  /** GPU adapter description when WebGPU/WebGL is active (vendor, architecture), else ''. */
  adapter: string;
  /**
   * Backends this browser can run, in preference order: probed cheaply at start (an adapter for
   * WebGPU, a context for WebGL, WebAssembly), minus those that failed since.
   */
  available: Backend[];
  /** Backends that failed to start or failed while training (device lost, kernel error). */
  failed?: Backend[];
  /** Why the active backend is not the one asked for, when it is not (e.g. "webgpu: no adapter"). */
  message?: string;
}

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

/** What a run is: shown beside its curves. */
export interface RunInfo {
  runId: string;
  /** e.g. `MTAA`, `no-TD`, or `MTAA (λ1=1)` for a sibling. */
  label: string;
  config: RunConfig;
  datasetName: string;
  /** The run this one was started from by a shape-changing switch, if any. */
  siblingOf?: string;
  backend: Backend;
}

/** A change of live settings applied to a running run from its next step (a marker on its curves). */
export interface LiveChange {
  runId: string;
  step: number;
  epoch: number;
  settings: Partial<Pick<TrainConfig, 'lambdaAdversarial' | 'lambdaOrthogonality' | 'learningRate'>>;
  /** The values these settings replaced (for the marker's text, e.g. "λ1 5 → 0"). */
  previous?: Partial<Pick<TrainConfig, 'lambdaAdversarial' | 'lambdaOrthogonality' | 'learningRate'>>;
}

/** Everything the worker tells the page, pushed through the callback given to `subscribe`. */
export type WorkerEvent =
  | TrainEvent
  | { type: 'run-started'; run: RunInfo }
  /** `backend` is set when the run moved to another backend (resumed after a failure or a switch). */
  | { type: 'run-status'; runId: string; status: RunStatus; message?: string; backend?: Backend }
  | { type: 'live-change'; change: LiveChange }
  | { type: 'backend'; backend: BackendInfo };

/** A trained model as files, transferred to the page for download (a worker cannot download). */
export interface ExportedModel {
  fileName: string;
  /** The zip archive: model.json, weights.bin, model.safetensors. */
  archive: ArrayBuffer;
}

/** The worker's API, exposed with comlink. */
export interface TrainerApi {
  /** Loads the built-in sample (fetched by the worker from the app's own origin). */
  loadSample(): Promise<LoadResult>;
  /** Parses a file; on error the worker keeps its previous dataset. */
  loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult>;
  /** Re-detects the current dataset's tasks with the user's column choices. */
  applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult>;
  /**
   * Registers the page's event sink (a comlink proxy); returns the active backend. The first call
   * starts tfjs on `preferred` (default: WebGPU → WebGL → WASM → CPU, the first that starts).
   */
  subscribe(onEvent: (event: WorkerEvent) => void, preferred?: Backend): Promise<BackendInfo>;
  /**
   * Switches the backend (WebGPU → WebGL → WASM → CPU if it fails). tfjs has one backend per worker:
   * runs that are running or paused are interrupted (status `interrupted`) and continue on the new
   * backend from their last epoch checkpoint when resumed.
   */
  setBackend(name: Backend): Promise<BackendInfo>;
  /** The presets (`paper`, `small`, `tiny`) as full configs: the page cannot import src/model. */
  configPresets(): Promise<Record<PresetName, RunConfig>>;
  /** Starts a run on the current dataset; events follow through `subscribe`. */
  startRun(config: RunConfig, label: string, siblingOf?: string): Promise<RunInfo>;
  pause(runId: string): Promise<void>;
  /**
   * Continues a paused run; a `failed` or `interrupted` run is rebuilt from its last epoch
   * checkpoint (weights kept on the host) and continues from that epoch — a failed one on the next
   * backend after the one it failed on.
   */
  resume(runId: string): Promise<void>;
  stop(runId: string): Promise<void>;
  /** Runs exactly one batch of a paused run; resolves when that batch is done. */
  step(runId: string): Promise<void>;
  /** Applies shape-keeping settings from the run's next batch on. */
  updateLive(runId: string, settings: LiveChange['settings']): Promise<LiveChange>;
  /**
   * Dev sentences (for the inspector's picker): those of `runId`'s dev split; without it, those of
   * the latest run, or before any run the current dataset's split with the presets' devFraction and
   * seed. `index` is what `inspectSentence({ devIndex })` takes.
   */
  devSentences(limit?: number, runId?: string): Promise<{ index: number; text: string }[]>;
  /** Predicted and gold tags and β per token, for a dev sentence or typed text (one sentence). */
  inspectSentence(runId: string, request: { devIndex: number } | { text: string }): Promise<SentenceInspection>;
  /** Exports a run's best model as one zip archive (transferred). */
  exportModel(runId: string): Promise<ExportedModel>;
  /**
   * Browser tests only: the run's next batch throws `message` (as a failing kernel would). Refused
   * unless the worker was started with test hooks (`?testhooks` on the page).
   */
  simulateFailure(runId: string, message: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Training: configuration and the events a run emits (the CLI prints them as JSON lines; the
// worker streams them to the page).

export type {
  AblationName,
  AdversarialSchedule,
  AdversaryPosition,
  Architecture,
  Backend,
  FusionKind,
  ModelConfig,
  OrthogonalityMode,
  PresetName,
  ReversalReach,
  RunConfig,
  TrainConfig,
} from './model/config.ts';

/** One task's score on an evaluation set: chunk F1 (conlleval) or token accuracy (plain tags). */
export interface TaskScore {
  task: string;
  metric: 'f1' | 'accuracy';
  /** Percent, as conlleval prints it. */
  value: number;
  precision?: number;
  recall?: number;
  /** Token accuracy (conlleval's first figure), also given for chunk tasks. */
  accuracy: number;
}

/** The parts of the objective L = Σ_t L_t + λ1·L_adv + λ2·L_o (unweighted parts, and the total). */
export interface LossParts {
  total: number;
  /** Per task CRF negative log-likelihood, by task name. */
  tasks: Record<string, number>;
  adversarial: number;
  orthogonality: number;
}

export interface DiscriminatorAccuracy {
  /** `NER+POS`: the pair's task names joined by `+`. */
  pair: string;
  accuracy: number;
}

/** Mean attention β of a task over its representations on the dev set. */
export interface AttentionSummary {
  task: string;
  /** `individual`, then `shared:<other task>` for each pair the task is in. */
  representations: string[];
  mean: number[];
}

export interface StepEvent {
  type: 'step';
  runId: string;
  epoch: number;
  /** Batch within the epoch, 1-based. */
  batch: number;
  batches: number;
  /** Optimiser steps since the run began. */
  step: number;
  loss: LossParts;
  learningRate: number;
  lambdaAdversarial: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface EvaluationReport {
  scores: TaskScore[];
  discriminatorAccuracy: DiscriminatorAccuracy[];
  attention: AttentionSummary[];
  loss: LossParts;
}

export interface EpochEvent {
  type: 'epoch';
  runId: string;
  epoch: number;
  step: number;
  seconds: number;
  learningRate: number;
  lambdaAdversarial: number;
  /** Mean loss parts over the epoch's training batches. */
  train: LossParts;
  dev: EvaluationReport;
  /** Mean of the dev task scores: what "best" and patience look at. */
  devScore: number;
  best: boolean;
}

export interface DoneEvent {
  type: 'done';
  runId: string;
  reason: 'completed' | 'patience' | 'cancelled' | 'diverged';
  epochs: number;
  bestEpoch: number;
  best: TaskScore[];
  seconds: number;
  message?: string;
}

export type TrainEvent = StepEvent | EpochEvent | DoneEvent;

/** One sentence as the attention inspector shows it. */
export interface SentenceInspection {
  words: string[];
  tasks: {
    task: string;
    predicted: string[];
    gold: string[] | null;
    representations: string[];
    /** `[token][representation]`, rows sum to 1; null for fusions without attention. */
    beta: number[][] | null;
  }[];
}
