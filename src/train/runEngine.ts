/**
 * What the workbench needs of the tfjs side of a run, as types: a handle on a training run, the
 * host copies of its weights, and the engine that builds, reads, exports and inspects them. The
 * worker and the CLI hand a tfjs engine (./sessionEngine.ts) to the workbench; its tests hand a fake.
 */
import type { Vocabularies } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import type { RunConfig } from '../core/config.ts';
import type { DoneEvent, TaskBreakdown, TaskScore } from '../core/events.ts';
import type { SentenceInspection } from '../core/inspection.ts';
import type { NamedWeight } from './formats/safetensors.ts';
import type { LiveSettings, ResumePoint, TrainerHooks, TrainingData } from './trainer.ts';

/** What the session needs of a Trainer (the real one satisfies it structurally). */
export interface RunHandle {
  readonly step: number;
  /** Epochs completed. */
  readonly epoch: number;
  /**
   * Batches of the epoch under way already trained (0 between epochs): where a checkpoint taken
   * now stands. Fakes may leave it out; their runs then get checkpoints at epoch ends only.
   */
  readonly batchInEpoch?: number;
  run(hooks: TrainerHooks): Promise<DoneEvent>;
  updateLiveSettings(patch: Partial<LiveSettings>): void;
  /** The model's tasks and vocabularies (the Trainer's model has them; fakes may leave it out). */
  readonly model?: HostModel;
}

/** What a model needs besides its weights to be rebuilt on the host's side: tasks and vocabularies. */
export interface HostModel {
  tasks: TaskSpec[];
  vocabularies: Vocabularies;
}

/**
 * Weights on the host after an epoch, or mid-epoch (taken by time): they survive the loss of the
 * device and the page. A resume continues from `step`, `batch` batches into epoch `epoch + 1`.
 */
export interface HostCheckpoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps done. */
  step: number;
  /** Batches of epoch `epoch + 1` done (a checkpoint by time); absent or 0 at an epoch's end. */
  batch?: number;
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
  /**
   * Rebuild from a checkpoint: `previous` (the run's earlier trainer) or `host` (a run restored
   * from storage, which has no trainer yet) lends its vocabularies and tasks (host data only); a
   * run taken over from a worker that died has neither, and rebuilds them from its data
   * (deterministic).
   */
  from?: { previous?: H; host?: HostModel; checkpoint: HostCheckpoint; resume: ResumePoint };
  /** A fresh run's vocabularies and initial word table from pre-trained vectors (ignored with `from`). */
  pretrained?: { vocabularies: Vocabularies; wordInit: Float32Array };
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
  inspect(handle: H, sentence: Sentence): Promise<SentenceInspection>;
  /**
   * Scores the model's current weights on labelled sentences (each task only on the sentences that
   * carry its labels), with the per-type breakdown when the engine computes one. Optional: without
   * it, runs are not scored on a test file.
   */
  score?(handle: H, sentences: readonly Sentence[]): Promise<{ scores: TaskScore[]; breakdown?: TaskBreakdown[] }>;
  /**
   * A handle for inspecting and tagging only (an imported model, or a stored checkpoint after a
   * reload): the model built from host weights, validated against its config. Optional for fakes.
   */
  loadModel?(init: { runId: string; config: RunConfig; host: HostModel; weights: readonly NamedWeight[] }): H;
}

