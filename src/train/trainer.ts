/**
 * The training loop: Adam with inverse-time learning-rate decay and global-norm clipping over
 * length-bucketed batches; per epoch, evaluation on dev, best-on-dev snapshot and patience;
 * cancellation and pausing between batches; typed events for all of it. Same seed and backend give
 * the same curve: batch order, initial weights and dropout masks all derive from the seed.
 * A step's gradients and a dev pass, cut for memory and shared with the gradient peers, are
 * `BatchWork`'s (batchWork.ts); this module orders them and applies the optimiser.
 */
import * as tf from '@tensorflow/tfjs';
import { buildVocabularies, encodeBatch, planBatches, splitBatch, type Batch, type Vocabularies } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import type { RunConfig } from '../core/config.ts';
import type { LiveSettings as CoreLiveSettings } from '../core/configFields.ts';
import type { BatchTensors } from '../model/batchTensors.ts';
import { stepSlotBudget, webgpuStepSlotBudget } from '../model/trainingMemory.ts';
import { webgpuBufferLimits } from '../model/webgpu/deviceLimits.ts';
import type { DoneEvent, EpochEvent, LossParts, StepEvent, TaskScore, TrainEvent } from '../core/events.ts';
import type { GradientStep } from './parallel/wire.ts';
import { BatchWork } from './batchWork.ts';
import { withBatchTensors, type Evaluation } from './evaluate.ts';
import type { GradientPool } from './parallel/gradientPool.ts';
import { HostAdam } from './hostAdam.ts';
import { lossGradients, type LossGradients } from './lossGradients.ts';
import { adversarialWeightAt, learningRateAt } from './schedule.ts';
import { createTaggerModel, restoreWeights, snapshotWeights, type TaggerModel } from './taggerModel.ts';
import { ClippedAdam, type ClippingOptimizer } from '../model/clippedAdam.ts';
import { defaultKernelPlan } from '../model/kernelPlan.ts';
import { FusedAdam } from '../model/webgpu/fusedAdam.ts';

export interface TrainingData {
  tasks: TaskSpec[];
  train: Sentence[];
  dev: Sentence[];
}

/** The settings that keep parameter shapes, so they can change while a run is going. */
/** The settings a run takes while it trains (src/core/configFields.ts: the table's `live` fields). */
export type LiveSettings = Required<CoreLiveSettings>;

export interface TrainerHooks {
  onEvent?: (event: TrainEvent) => void;
  /** Checked between batches; an aborted signal ends the run with reason `cancelled`. */
  signal?: AbortSignal;
  /** Awaited before each batch (the worker pauses here; the CLI yields to its progress bar). */
  beforeBatch?: () => Promise<void> | void;
  /** Report losses every this many batches (one readback each time); default ~20 reports an epoch. */
  reportEvery?: number;
  /**
   * Asked after each batch: true reports that batch too, off the interval (a single step of a
   * paused run shows its progress at once instead of after the next few batches).
   */
  reportNow?: () => boolean;
}

export interface TrainerInit {
  runId: string;
  config: RunConfig;
  data: TrainingData;
  /** Use these vocabularies (e.g. continuing a loaded model); default: built from the training set. */
  vocabularies?: Vocabularies;
  wordInit?: Float32Array;
  model?: TaggerModel;
  /**
   * Continue a run from an epoch checkpoint (e.g. rebuilt on another backend): `model` holds the
   * checkpoint's weights; training goes on after `epoch`, and `best` (weights in the model's variable
   * order) is the best-on-dev record to beat and to restore at the end.
   */
  resume?: ResumePoint;
  /**
   * What one step may keep for the backward pass (default: on WebGPU `webgpuStepSlotBudget` of the
   * device's buffer limits, elsewhere `DEFAULT_STEP_MEMORY_BYTES` of WASM's heap): a batch beyond it
   * trains in slices whose gradients add up to the whole batch's.
   */
  stepMemoryBytes?: number;
  /** Threads that compute part of each large enough batch (`GradientPool`); none: this thread alone. */
  pool?: GradientPool;
}

export interface ResumePoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps done. */
  step: number;
  /**
   * Batches of epoch `epoch + 1` already trained (a checkpoint taken mid-epoch; absent or 0: at the
   * epoch's start). That epoch's seeded batch order is planned again and these batches are skipped,
   * so the run trains exactly the batches an uninterrupted run would have trained next.
   */
  batch?: number;
  best?: { score: number; epoch: number; scores: TaskScore[]; weights: readonly { data: Float32Array; shape: number[] }[] };
}

/** Mean over the dev tasks' scores: what "best" and patience compare. */
export function devScoreOf(scores: readonly TaskScore[]): number {
  return scores.length === 0 ? 0 : scores.reduce((sum, s) => sum + s.value, 0) / scores.length;
}

/**
 * Adam with global-norm clipping for the active backend: `HostAdam` where tensors are host memory
 * (wasm, cpu), the fused WebGPU programs where the kernel plan says so, tf.train.adam elsewhere.
 */
export function createOptimizer(variables: tf.Variable[], learningRate: number): ClippingOptimizer {
  if (HostAdam.suits()) return new HostAdam(variables, learningRate);
  if (defaultKernelPlan().optimizer === 'fused') return new FusedAdam(variables, learningRate);
  return new ClippedAdam(variables, learningRate);
}

/**
 * Padded token slots one forward/backward pass may take on the active backend: WebGPU's from its
 * device's buffer limits (its activations are GPU buffers), else WASM's heap (`stepSlotBudget`); a
 * given `memoryBytes` is a heap budget on any backend.
 */
function stepSlotBudgetOf(config: RunConfig, tagCounts: readonly number[], memoryBytes: number | undefined): number {
  const gpu = memoryBytes === undefined ? webgpuBufferLimits() : null;
  return gpu ? webgpuStepSlotBudget(config, tagCounts, gpu) : stepSlotBudget(config, tagCounts, memoryBytes);
}

export class Trainer {
  readonly runId: string;
  readonly model: TaggerModel;
  readonly data: TrainingData;
  /** The run's settings; the live ones may change between batches (`updateLiveSettings`). */
  readonly config: RunConfig;
  /** Clipped Adam: on the host where tensors are host memory (wasm, cpu), else by the backend's plan (`createOptimizer`). */
  private readonly optimizer: ClippingOptimizer;
  private readonly variables: tf.Variable[];
  step = 0;
  epoch = 0;
  /** Batches of the epoch under way already trained (0 between epochs): where a mid-epoch checkpoint stands. */
  batchInEpoch = 0;
  private best: { score: number; epoch: number; scores: TaskScore[]; snapshot: tf.Tensor[] } | null = null;
  private readonly started = performance.now();
  /** The step's and the dev pass's work: slices for memory, parts for the gradient peers. */
  private readonly work: BatchWork;

  constructor(init: TrainerInit) {
    this.runId = init.runId;
    this.config = structuredClone(init.config);
    this.data = init.data;
    if (init.data.train.length === 0) throw new Error('the training set has no sentences');
    const vocabularies =
      init.vocabularies ??
      buildVocabularies(init.data.train, init.data.tasks.length, {
        words: { minCount: this.config.model.embedding.minWordFreq },
      });
    this.model = init.model ?? createTaggerModel(this.config, init.data.tasks, vocabularies, init.wordInit);
    this.variables = [...this.model.params.variables.values()];
    const slotBudget = stepSlotBudgetOf(this.config, this.model.vocabularies.tags.map((t) => t.size), init.stepMemoryBytes);
    this.work = new BatchWork(this.model, this.variables, this.config, slotBudget, init.pool ?? null, this.runId);
    this.optimizer = createOptimizer(this.variables, this.config.train.learningRate);
    if (init.resume) {
      const { epoch, step, batch, best } = init.resume;
      this.epoch = epoch;
      this.step = step;
      this.batchInEpoch = batch ?? 0;
      if (best) {
        if (best.weights.length !== this.variables.length) throw new Error(`resume: ${best.weights.length} best weights for ${this.variables.length} variables`);
        const snapshot = best.weights.map((w) => tf.keep(tf.tensor(w.data, w.shape, 'float32')));
        this.best = { score: best.score, epoch: best.epoch, scores: best.scores, snapshot };
      }
    }
  }

  /** λ1 in effect at a point of training (0 when the model has no discriminators). */
  private lambdaAt(progress: number): number {
    return this.model.params.adversary ? adversarialWeightAt(this.config.train, progress) : 0;
  }

  /** Applies new live settings from the next batch on. */
  updateLiveSettings(patch: Partial<LiveSettings>): void {
    Object.assign(this.config.train, patch);
  }

  get totalSteps(): number {
    return this.config.train.epochs * this.batchesPerEpoch;
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.data.train.length / this.config.train.batchSize);
  }

  /**
   * The sentence indices of each batch of `epoch` (1-based), in training order: seeded by the run's
   * seed and the epoch alone, so a resumed run plans the same order again.
   */
  private epochPlan(epoch: number): Int32Array[] {
    return planBatches(
      this.data.train.map((s) => s.words.length),
      { batchSize: this.config.train.batchSize, seed: this.config.train.seed * 1000 + epoch, shuffle: true },
    );
  }

  private epochBatches(epoch: number): Batch[] {
    const { words, chars, tags } = this.model.vocabularies;
    return this.epochPlan(epoch).map((indices) =>
      encodeBatch(this.data.train, indices, { words, chars, tags }, { maxWordLen: this.config.model.embedding.maxWordLength }),
    );
  }

  /** Padded token slots one forward/backward pass may take (`stepSlotBudget`). */
  get slotBudget(): number {
    return this.work.slotBudget;
  }

  /** Threads that computed the last step (1, or 1 + the peers that answered). */
  get lastStepThreads(): number {
    return this.work.lastStepThreads;
  }

  /**
   * One optimiser step on a host batch, on this thread; a batch over the step's memory budget is cut
   * into slices (batchWork.ts). Returns `[total, task…, adv, orth]` on the device.
   */
  trainBatch(batch: Batch): tf.Tensor1D {
    const slices = splitBatch(batch, this.slotBudget);
    if (slices.length === 1) return withBatchTensors(this.model, batch, (b) => this.trainStep(b));
    return this.optimizerStep(this.work.batchGradients(batch, this.gradientStep(), slices));
  }

  /**
   * One optimiser step on a host batch, its gradients computed in parts on the trainer's thread and
   * its pool's peers when it has a pool and the batch is large enough (else as `trainBatch`).
   * Returns `[total, task…, adv, orth]` on the device.
   */
  async trainBatchAsync(batch: Batch): Promise<tf.Tensor1D> {
    const gradients = await this.poolGradients(batch);
    return gradients ? this.optimizerStep(gradients) : this.trainBatch(batch);
  }

  /** The batch's gradients with the pool's peers (`BatchWork.poolGradients`); null where the pool is not used. */
  poolGradients(batch: Batch): Promise<LossGradients | null> {
    return this.work.poolGradients(batch, this.gradientStep());
  }

  /** The batch's gradients on this thread, summed over `slices` (`BatchWork.batchGradients`). */
  batchGradients(batch: Batch, slices?: readonly Batch[]): LossGradients {
    return this.work.batchGradients(batch, this.gradientStep(), slices);
  }

  /** Dev or test evaluation, shared with the pool's peers where there is a pool (`BatchWork.evaluateSentences`). */
  evaluateSentences(sentences: readonly Sentence[], lossesNeeded = true): Promise<Evaluation> {
    return this.work.evaluateSentences(sentences, lossesNeeded);
  }

  /**
   * One optimiser step on batch tensors that fit the step (see `trainBatch`). Returns the loss parts
   * as a device vector `[total, task…, adv, orth]` (no readback here: the caller reads it once per
   * reporting interval).
   */
  trainStep(batch: BatchTensors): tf.Tensor1D {
    return this.optimizerStep(lossGradients(this.model.params, this.variables, batch, this.gradientStep(), null, 0));
  }

  /** Applies the gradients (then frees them), counts the step and hands back the loss parts. */
  private optimizerStep({ grads, parts }: LossGradients): tf.Tensor1D {
    this.optimizer.learningRate = learningRateAt(this.config.train, this.step / this.batchesPerEpoch);
    this.optimizer.applyGradients(grads, this.config.train.clipNorm);
    tf.dispose(Object.values(grads));
    this.step++;
    return parts;
  }

  /** This step's loss settings, as every thread computing part of it must use them. */
  private gradientStep(): GradientStep {
    const train = this.config.train;
    const progress = this.totalSteps > 0 ? this.step / this.totalSteps : 1;
    return {
      step: this.step,
      seed: train.seed,
      lambdaAdversarial: train.lambdaAdversarial,
      rampedLambda: adversarialWeightAt(train, progress),
      lambdaOrthogonality: train.lambdaOrthogonality,
      reversalReach: train.reversalReach,
      orthogonalityMode: train.orthogonalityMode,
    };
  }

  /** Sums of loss parts (`[total, ...tasks, adversarial, orthogonality]`) over their weights (`partWeights`). */
  private lossParts(sums: ArrayLike<number>, weights: ArrayLike<number>): LossParts {
    const mean = (i: number) => ((weights[i] ?? 0) > 0 ? (sums[i] ?? 0) / weights[i]! : 0);
    const tasks = Object.fromEntries(this.data.tasks.map((task, t) => [task.name, mean(1 + t)]));
    const n = this.data.tasks.length;
    return { total: mean(0), tasks, adversarial: mean(1 + n), orthogonality: mean(2 + n) };
  }

  /** Trains until the configured epochs, patience or cancellation; the best-on-dev weights are kept. */
  async run(hooks: TrainerHooks = {}): Promise<DoneEvent> {
    const emit = hooks.onEvent ?? (() => {});
    const train = this.config.train;
    const batchesPerEpoch = this.batchesPerEpoch;
    const reportEvery = hooks.reportEvery ?? Math.max(1, Math.round(batchesPerEpoch / 20));
    let reason: DoneEvent['reason'] = 'completed';
    let message: string | undefined;
    let sinceBest = 0;
    const finish = (): DoneEvent => {
      if (this.best) restoreWeights(this.model, this.best.snapshot);
      const done: DoneEvent = {
        type: 'done',
        runId: this.runId,
        reason,
        epochs: this.epoch,
        bestEpoch: this.best?.epoch ?? 0,
        best: this.best?.scores ?? [],
        seconds: (performance.now() - this.started) / 1000,
        ...(message ? { message } : {}),
      };
      emit(done);
      return done;
    };

    epochs: while (this.epoch < train.epochs) {
      const epoch = this.epoch + 1;
      const epochStart = performance.now();
      const batches = this.epochBatches(epoch);
      // Resumed from a mid-epoch checkpoint: its batches before that point are trained already. The
      // epoch's mean training losses then cover the batches trained since the resume.
      const first = Math.min(this.batchInEpoch, batches.length);
      let epochSum: tf.Tensor1D | null = null;
      let windowSum: tf.Tensor1D | null = null;
      let windowTokens = 0;
      let windowStart = performance.now();
      const partCount = this.data.tasks.length + 3;
      const epochWeights = new Float64Array(partCount);
      let windowWeights = new Float64Array(partCount);
      for (let i = first; i < batches.length; i++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) {
          reason = 'cancelled';
          tf.dispose([epochSum, windowSum].filter((t): t is tf.Tensor1D => t !== null));
          break epochs;
        }
        const batch = batches[i]!;
        const parts = await this.trainBatchAsync(batch);
        this.batchInEpoch = i + 1;
        const weights = this.work.partWeights(batch);
        const weighted = tf.tidy(() => tf.mul(parts, tf.tensor1d(Float32Array.from(weights))) as tf.Tensor1D);
        parts.dispose();
        const accumulate = (sum: tf.Tensor1D | null) => {
          if (!sum) return tf.keep(weighted.clone());
          const next = tf.keep(tf.add(sum, weighted) as tf.Tensor1D);
          sum.dispose();
          return next;
        };
        epochSum = accumulate(epochSum);
        windowSum = accumulate(windowSum);
        weighted.dispose();
        for (const length of batch.lengths) windowTokens += length;
        weights.forEach((w, k) => {
          epochWeights[k]! += w;
          windowWeights[k]! += w;
        });

        if ((i + 1) % reportEvery === 0 || i === batches.length - 1 || hooks.reportNow?.() === true) {
          const values = await windowSum.data();
          windowSum.dispose();
          windowSum = null;
          const loss = this.lossParts(values, windowWeights);
          if (!Number.isFinite(loss.total)) {
            reason = 'diverged';
            message = `the loss became ${loss.total} at step ${this.step}; the run stopped and kept its best weights (epoch ${this.best?.epoch ?? 0})`;
            tf.dispose(epochSum);
            break epochs;
          }
          const now = performance.now();
          const seconds = (now - windowStart) / 1000;
          const elapsed = (now - this.started) / 1000;
          const done = this.step;
          const event: StepEvent = {
            type: 'step',
            runId: this.runId,
            epoch,
            batch: i + 1,
            batches: batches.length,
            step: this.step,
            loss,
            learningRate: learningRateAt(train, (this.step - 1) / batchesPerEpoch),
            lambdaAdversarial: this.lambdaAt((this.step - 1) / this.totalSteps),
            tokensPerSecond: seconds > 0 ? windowTokens / seconds : 0,
            threads: this.lastStepThreads,
            elapsedSeconds: elapsed,
            etaSeconds: done > 0 ? ((now - epochStart) / 1000 / (i + 1 - first)) * (this.totalSteps - done) : 0,
          };
          emit(event);
          windowTokens = 0;
          windowWeights = new Float64Array(partCount);
          windowStart = performance.now();
        }
      }
      const sums = epochSum ? await epochSum.data() : new Float32Array(0);
      epochSum?.dispose();
      this.epoch = epoch;
      this.batchInEpoch = 0;
      const dev = (await this.evaluateSentences(this.data.dev)).report;
      const devScore = devScoreOf(dev.scores);
      const improved = !this.best || devScore > this.best.score;
      if (improved) {
        if (this.best) tf.dispose(this.best.snapshot);
        this.best = { score: devScore, epoch, scores: dev.scores, snapshot: snapshotWeights(this.model) };
        sinceBest = 0;
      } else sinceBest++;
      const event: EpochEvent = {
        type: 'epoch',
        runId: this.runId,
        epoch,
        step: this.step,
        seconds: (performance.now() - epochStart) / 1000,
        learningRate: learningRateAt(train, epoch - 1),
        lambdaAdversarial: this.lambdaAt(this.step / this.totalSteps),
        train: this.lossParts(sums, epochWeights),
        dev,
        devScore,
        best: improved,
      };
      emit(event);
      if (train.patience > 0 && sinceBest >= train.patience) {
        reason = 'patience';
        break;
      }
    }
    return finish();
  }

  dispose(): void {
    if (this.best) tf.dispose(this.best.snapshot);
    this.best = null;
    this.optimizer.dispose();
    // The peers' copy of the weights goes with the trainer (a deleted run frees what it holds).
    this.work.dispose();
  }
}
