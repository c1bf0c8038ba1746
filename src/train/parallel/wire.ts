/**
 * The gradient peers' wire format: what a trainer and its peers (worker_threads in Node, nested
 * Web Workers in the browser) send each other. Types only.
 */
import type { Batch } from '../../data/batches.ts';
import type { OrthogonalityMode, ReversalReach, RunConfig } from '../../core/config.ts';
import type { ModelDims } from '../../model/taggerParams.ts';

/**
 * Gradient peers: threads (worker_threads in Node, nested Web Workers in the browser) that each hold
 * a replica of a Trainer's weights and compute the gradients of part of a batch while the trainer
 * computes the rest, so one step uses more than one core on the single-threaded WASM backend.
 */
export interface GradientStep {
  /** Optimiser steps done: with `seed`, names this step's dropout masks. */
  step: number;
  /** The run's seed. */
  seed: number;
  /** λ1 the discriminators learn at (0: no adversarial term). */
  lambdaAdversarial: number;
  /** λ1's ramped value at this point of training: the encoders' reversed share. */
  rampedLambda: number;
  lambdaOrthogonality: number;
  reversalReach: ReversalReach;
  orthogonalityMode: OrthogonalityMode;
}

/** What a peer builds its replica from (shapes only: the weights come with the first request). */
export interface GradientPeerInit {
  config: RunConfig;
  dims: Omit<ModelDims, 'wordInit'>;
}

/** Part of a batch for a peer: whole-sentence slices, each with its loss weights and dropout index. */
export interface GradientRequest {
  /** Which replica (one per trainer: interleaved runs share the peers). */
  replica: string;
  step: GradientStep;
  slices: { batch: Batch; weights: number[] | null; index: number }[];
  /** The replica's new weights, in the model's variable order. */
  weights: Float32Array[];
}

export interface GradientReply {
  /** True when the peer holds no such replica (never built, or dropped for a newer one): init, then ask again. */
  missing?: boolean;
  /** Per variable, in the model's variable order; null where the loss did not reach it. */
  grads: (Float32Array | null)[];
  /** Summed loss parts `[total, task…, adv, orth]` of the slices. */
  parts: Float32Array;
}

/** One batch's evaluation as plain numbers (src/train/evaluate.ts `evaluateBatch`; a peer hands them back). */
export interface BatchEvaluation {
  /** `[task][row]` Viterbi tag ids. */
  paths: number[][][];
  /** `[task losses…, adversarial, orthogonality, discriminator accuracy per pair…]`; empty when not asked for. */
  scalars: number[];
  /** Per task: Σ β over the batch's real tokens (one value per representation), null without attention. */
  betaSums: (number[] | null)[];
}

/** Batches for a peer to evaluate (dev scores, decoding) with the replica's new weights. */
export interface EvaluationRequest {
  replica: string;
  weights: Float32Array[];
  batches: Batch[];
  orthogonalityMode: OrthogonalityMode;
  /** False: Viterbi paths and β only (decoding). */
  lossesNeeded: boolean;
}

export interface EvaluationReply {
  /** As `GradientReply.missing`. */
  missing?: boolean;
  results: BatchEvaluation[];
}

/** A peer's API (comlink). */
export interface GradientPeerApi {
  /** Starts tfjs on `backend` (once); resolves to the backend that runs. */
  start(backend: string): Promise<string>;
  /** Builds replica `replica` (keeping the few most recently used others). */
  init(replica: string, init: GradientPeerInit): Promise<void>;
  compute(request: GradientRequest): Promise<GradientReply>;
  evaluate(request: EvaluationRequest): Promise<EvaluationReply>;
  /** Frees replica `replica` now (its trainer was disposed: a deleted or finished run), if the peer has it. */
  drop(replica: string): Promise<void>;
}
