/**
 * Everything that crosses the boundary between the UI (main thread) and the trainer worker.
 * Types only: both sides import this file, neither imports the other.
 */
import type { ColumnGuess, FileFormat, TagScheme } from './data/types.ts';
import type { DatasetSummary as DataSummary, TaskSummary } from './data/dataset.ts';
import type { ColumnOverride } from './data/columnPlan.ts';

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

/** The worker's API, exposed with comlink. */
export interface TrainerApi {
  /** Loads the built-in sample (fetched by the worker from the app's own origin). */
  loadSample(): Promise<LoadResult>;
  /** Parses a file; on error the worker keeps its previous dataset. */
  loadFile(fileName: string, bytes: ArrayBuffer, overrides?: ColumnOverride[]): Promise<LoadResult>;
  /** Re-detects the current dataset's tasks with the user's column choices. */
  applyOverrides(overrides: ColumnOverride[]): Promise<LoadResult>;
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
