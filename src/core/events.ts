/**
 * The vocabulary of a training run: what a run is (RunInfo), the events it emits while it trains
 * (the CLI prints them as JSON lines; the worker streams them to the page and keeps them), and the
 * statuses it goes through. Pure TypeScript: the trainer, the workbench, the recorder and the page
 * all speak it.
 */
import type { Backend, RunConfig } from './config.ts';
import type { LiveSettings } from './configFields.ts';

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed' | 'interrupted';

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

/**
 * One row of a task's per-type table: a chunk type (span tasks, conlleval's per-type line) or a tag
 * (plain tasks, token precision/recall). Percentages, as conlleval prints them.
 */
export interface TypeScore {
  type: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold chunks (span tasks) or gold tokens (plain tags) of this type. */
  support: number;
  /** Predicted chunks or tokens of this type (the last number on conlleval's line). */
  predicted: number;
  correct: number;
}

/**
 * Token counts of gold × predicted label: for span tasks the token's chunk type (B-/I- merged, `O`
 * outside), for plain tasks its tag. A task with many labels keeps its most frequent ones and sums
 * the rest into a last label, `(other)`, so an event stays small.
 */
export interface ConfusionCounts {
  /** Row and column order: most frequent first (gold + predicted tokens); `(other)` last when folded. */
  labels: string[];
  /** `counts[g][p]`: tokens with gold label `labels[g]` predicted as `labels[p]`. */
  counts: number[][];
  /** The labels summed into `(other)`; empty when every label has its own row. */
  folded: string[];
}

/** Evaluated sentences showing one kind of error: the first few (indices into the evaluated set) and how many in all. */
export interface ErrorSentences {
  sentences: number[];
  count: number;
}

/**
 * Where a task's errors are, by sentence, so the page can list them and open one in the inspector:
 * per off-diagonal confusion cell (labels as in `ConfusionCounts`), and per type (span tasks: a chunk
 * of the type missed or spurious; plain tasks: a token of the tag in gold or prediction, wrong).
 */
export interface TaskErrors {
  cells: (ErrorSentences & { gold: string; pred: string })[];
  types: (ErrorSentences & { type: string })[];
}

/** One task's per-type scores and confusion counts on an evaluation set: counts, not predictions. */
export interface TaskBreakdown {
  task: string;
  metric: 'f1' | 'accuracy';
  /** Span tasks: conlleval's chunk types in its report order; plain tasks: every tag, most frequent first. */
  types: TypeScore[];
  confusion: ConfusionCounts;
  /** Error sentences (dev evaluations; absent on a test file, whose sentences the inspector cannot open). */
  errors?: TaskErrors;
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
  /** Threads that computed the window's last step (the trainer's and its gradient peers'); absent in runs saved before it was reported. */
  threads?: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface EvaluationReport {
  scores: TaskScore[];
  discriminatorAccuracy: DiscriminatorAccuracy[];
  attention: AttentionSummary[];
  loss: LossParts;
  /** Per-type scores and confusion counts per task (absent in runs saved before they were reported). */
  breakdown?: TaskBreakdown[];
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

/**
 * A run's best epoch scored on the test file loaded when it started, sent when the run ends
 * (completed or stopped). Each task is scored only on test sentences that carry its labels, so a
 * task the file does not label has no score here.
 */
export interface TestScoresEvent {
  type: 'test-scores';
  runId: string;
  /** The best epoch, whose weights were scored. */
  epoch: number;
  fileName: string;
  scores: TaskScore[];
  /** Per-type scores and confusion counts per task on the test file (no error sentences). */
  breakdown?: TaskBreakdown[];
  /** Set when scoring failed (the scores are then empty). */
  message?: string;
}

/** How much of a vocabulary pre-trained vectors cover (exact match, else lowercased). */
export interface VectorsCoverage {
  /** Word types considered (the `<pad>` and `<unk>` entries excluded). */
  words: number;
  exact: number;
  lowercase: number;
  missing: number;
  /** (exact + lowercase) / words, in percent. */
  percent: number;
  /** A few of the words without a vector, in vocabulary order. */
  missingExamples: string[];
}

/** Pre-trained vectors a run's word table started from, with its coverage of the run's vocabulary. */
export interface RunVectors {
  fileName: string;
  dim: number;
  coverage: VectorsCoverage;
}

/**
 * The BERT checkpoint whose frozen features a run trains on: the dropped folder's or zip's name (what
 * the page asks to drop again after a reload) and its SHA-256 (what its stored features are keyed by).
 */
export interface RunBert {
  checkpoint: string;
  hash: string;
}

/** What a run is: shown beside its curves. */
export interface RunInfo {
  runId: string;
  /** e.g. `MTAA`, `no-TD`, or `MTAA (λ1=1)` for a sibling; unique among the page's runs, and renamable. */
  label: string;
  config: RunConfig;
  datasetName: string;
  /** SHA-256 (hex) of the dataset file's bytes, when known. */
  datasetHash?: string;
  /** Sentences in the dataset (train and dev together) when the run started; absent in runs saved before it was kept. */
  datasetSentences?: number;
  /** The run this one was started from by a shape-changing switch, if any. */
  siblingOf?: string;
  backend: Backend;
  /** The pre-trained vectors its word table started from, if any (its wordDim is theirs). */
  vectors?: RunVectors;
  /** The BERT checkpoint of its features (runs with `model.embedding.bert`; absent in runs saved before it was kept). */
  bert?: RunBert;
  /** The run (an imported model) whose weights and vocabularies this run continued training from. */
  continuedFrom?: string;
  /** The archive this run's model was imported from (an imported run trains no further itself). */
  importedFrom?: string;
}

/** A change of live settings applied to a running run from its next step (a marker on its curves). */
export interface LiveChange {
  runId: string;
  step: number;
  epoch: number;
  settings: LiveSettings;
  /** The values these settings replaced (for the marker's text, e.g. "λ1 5 → 0"). */
  previous?: LiveSettings;
}

/** Everything a run tells about itself, in the order it happens: what the run record is folded from. */
export type RunEvent =
  | TrainEvent
  | TestScoresEvent
  | { type: 'run-started'; run: RunInfo }
  /**
   * `backend` is set when the run moved to another backend (resumed after a failure or a switch);
   * `rewoundTo` when it resumed from its checkpoint at that optimiser step: the steps after it are
   * trained again, so the history it had of them is dropped (`undoneByRewind`).
   */
  | { type: 'run-status'; runId: string; status: RunStatus; message?: string; backend?: Backend; rewoundTo?: number }
  | { type: 'live-change'; change: LiveChange };
