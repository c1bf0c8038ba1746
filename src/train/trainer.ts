/**
 * The training loop: Adam with inverse-time learning-rate decay and global-norm clipping over
 * length-bucketed batches; per epoch, evaluation on dev, best-on-dev snapshot and patience;
 * cancellation and pausing between batches; typed events for all of it. Same seed and backend give
 * the same curve: batch order, initial weights and dropout masks all derive from the seed.
 */
import * as tf from '@tensorflow/tfjs';
import { buildVocabularies, encodeBatch, planBatches, splitBatch, type Batch, type Vocabularies } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import type { RunConfig, TrainConfig } from '../model/config.ts';
import type { BatchTensors } from '../model/batchTensors.ts';
import { forward } from '../model/tagger.ts';
import { stepSlotBudget } from '../model/trainingMemory.ts';
import type { DoneEvent, EpochEvent, LossParts, StepEvent, TaskScore, TrainEvent } from '../protocol.ts';
import { evaluate, withBatchTensors } from './evaluate.ts';
import { HostAdam } from './hostAdam.ts';
import { adversarialWeightAt, learningRateAt } from './schedule.ts';
import { createTaggerModel, restoreWeights, snapshotWeights, type TaggerModel } from './taggerModel.ts';

export interface TrainingData {
  tasks: TaskSpec[];
  train: Sentence[];
  dev: Sentence[];
}

/** The settings that keep parameter shapes, so they can change while a run is going. */
export type LiveSettings = Pick<TrainConfig, 'lambdaAdversarial' | 'lambdaOrthogonality' | 'learningRate'>;

export interface TrainerHooks {
  onEvent?: (event: TrainEvent) => void;
  /** Checked between batches; an aborted signal ends the run with reason `cancelled`. */
  signal?: AbortSignal;
  /** Awaited before each batch (the worker pauses here; the CLI yields to its progress bar). */
  beforeBatch?: () => Promise<void> | void;
  /** Report losses every this many batches (one readback each time); default ~20 reports an epoch. */
  reportEvery?: number;
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
   * What one step may keep for the backward pass (default `DEFAULT_STEP_MEMORY_BYTES`): a batch
   * beyond it trains in slices whose gradients add up to the whole batch's.
   */
  stepMemoryBytes?: number;
}

export interface ResumePoint {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps done. */
  step: number;
  best?: { score: number; epoch: number; scores: TaskScore[]; weights: readonly { data: Float32Array; shape: number[] }[] };
}

/** Mean over the dev tasks' scores: what "best" and patience compare. */
export function devScoreOf(scores: readonly TaskScore[]): number {
  return scores.length === 0 ? 0 : scores.reduce((sum, s) => sum + s.value, 0) / scores.length;
}

export class Trainer {
  readonly runId: string;
  readonly model: TaggerModel;
  readonly data: TrainingData;
  /** The run's settings; the live ones may change between batches (`updateLiveSettings`). */
  readonly config: RunConfig;
  /** Adam on the host where tensors are host memory (wasm, cpu; see `HostAdam`), tf.train.adam elsewhere. */
  private readonly optimizer: tf.AdamOptimizer | HostAdam;
  private readonly variables: tf.Variable[];
  step = 0;
  epoch = 0;
  private best: { score: number; epoch: number; scores: TaskScore[]; snapshot: tf.Tensor[] } | null = null;
  private readonly started = performance.now();
  /** Padded token slots one forward/backward pass may take (`stepSlotBudget`). */
  readonly slotBudget: number;

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
    this.slotBudget = stepSlotBudget(
      this.config,
      this.model.vocabularies.tags.map((t) => t.size),
      init.stepMemoryBytes,
    );
    this.optimizer = HostAdam.suits()
      ? new HostAdam(this.variables, this.config.train.learningRate)
      : tf.train.adam(this.config.train.learningRate);
    if (init.resume) {
      const { epoch, step, best } = init.resume;
      this.epoch = epoch;
      this.step = step;
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

  private epochBatches(epoch: number): Batch[] {
    const { words, chars, tags } = this.model.vocabularies;
    const plan = planBatches(
      this.data.train.map((s) => s.words.length),
      { batchSize: this.config.train.batchSize, seed: this.config.train.seed * 1000 + epoch, shuffle: true },
    );
    return plan.map((indices) =>
      encodeBatch(this.data.train, indices, { words, chars, tags }, { maxWordLen: this.config.model.embedding.maxWordLength }),
    );
  }

  /**
   * One optimiser step on a host batch. A batch over the step's memory budget is cut into slices of
   * whole sentences (`splitBatch`), each slice's losses weighted by its share of what the batch's
   * loss averages over, so the summed gradients are the whole batch's (up to float rounding and the
   * slices' own dropout masks). Returns `[total, task…, adv, orth]` on the device.
   */
  trainBatch(batch: Batch): tf.Tensor1D {
    const slices = splitBatch(batch, this.slotBudget);
    if (slices.length === 1) return withBatchTensors(this.model, batch, (b) => this.trainStep(b));
    return this.optimizerStep(this.batchGradients(batch, slices));
  }

  /**
   * Gradients of the batch's training loss and its parts, summed over `slices` (consecutive rows of
   * `batch`, as `splitBatch` cuts them). Does not step the optimiser.
   */
  batchGradients(batch: Batch, slices: readonly Batch[] = splitBatch(batch, this.slotBudget)): { grads: tf.NamedTensorMap; parts: tf.Tensor1D } {
    // What each loss part averages over ([total, task…, adv, orth]): labelled sentences, sentences.
    const whole = this.partWeights(batch);
    const grads: tf.NamedTensorMap = {};
    let parts: tf.Tensor1D | null = null;
    slices.forEach((slice, m) => {
      const own = this.partWeights(slice);
      const weights = slices.length === 1 ? null : Array.from(whole.subarray(1), (n, k) => (n > 0 ? own[k + 1]! / n : 0));
      const out = withBatchTensors(this.model, slice, (b) => this.lossGradients(b, weights, m));
      for (const [name, g] of Object.entries(out.grads)) {
        const sum = grads[name];
        grads[name] = sum ? tf.add(sum, g) : g;
        if (sum) tf.dispose([sum, g]);
      }
      const next: tf.Tensor1D = parts ? tf.add(parts, out.parts) : out.parts;
      if (parts) tf.dispose([parts, out.parts]);
      parts = next;
    });
    return { grads, parts: parts as unknown as tf.Tensor1D };
  }

  /**
   * One optimiser step on batch tensors that fit the step (see `trainBatch`). Returns the loss parts
   * as a device vector `[total, task…, adv, orth]` (no readback here: the caller reads it once per
   * reporting interval).
   */
  trainStep(batch: BatchTensors): tf.Tensor1D {
    return this.optimizerStep(this.lossGradients(batch, null, 0));
  }

  /** Applies the gradients (then frees them), counts the step and hands back the loss parts. */
  private optimizerStep({ grads, parts }: { grads: tf.NamedTensorMap; parts: tf.Tensor1D }): tf.Tensor1D {
    this.applyGradients(grads);
    tf.dispose(Object.values(grads));
    this.step++;
    return parts;
  }

  /**
   * Gradients of the training loss on one batch (or slice) and its parts `[total, task…, adv, orth]`.
   * `weights` (`[task…, adv, orth]`) scale a slice's parts to its share of the whole batch's means;
   * null for a whole batch. Slice `slice` > 0 draws its own dropout masks.
   */
  private lossGradients(batch: BatchTensors, weights: readonly number[] | null, slice: number): { grads: tf.NamedTensorMap; parts: tf.Tensor1D } {
    const train = this.config.train;
    const progress = this.totalSteps > 0 ? this.step / this.totalSteps : 1;
    const lambda1 = train.lambdaAdversarial;
    const rampedLambda = adversarialWeightAt(train, progress);
    // tf.train.adam's learningRate is protected but read at every step; HostAdam's is public.
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(train, this.step / this.batchesPerEpoch);
    const seed = train.seed * 1_000_003 + this.step;
    let parts: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(this.model.params, batch, {
        training: true,
        seed: slice === 0 ? seed : (seed + slice * 0x9e3779b1) >>> 0,
        // The discriminators learn at full weight λ1; the encoders' reversed share follows the ramp.
        reversalScale: lambda1 > 0 ? rampedLambda / lambda1 : 0,
        reversalReach: train.reversalReach,
        orthogonalityMode: train.orthogonalityMode,
        lossesNeeded: true,
      });
      const n = out.taskLosses.length;
      const scaled = (x: tf.Scalar, k: number): tf.Scalar => (weights ? tf.mul(x, weights[k]!) : x);
      const taskLosses = out.taskLosses.map((loss, t) => scaled(loss, t));
      const adversarial = scaled(out.adversarial, n);
      const orthogonality = scaled(out.orthogonality, n + 1);
      const taskSum = taskLosses.length === 1 ? taskLosses[0]! : tf.addN(taskLosses);
      const total = tf.addN([taskSum, tf.mul(adversarial, lambda1), tf.mul(orthogonality, train.lambdaOrthogonality)]) as tf.Scalar;
      parts = tf.keep(tf.stack([total, ...taskLosses, adversarial, orthogonality]) as tf.Tensor1D);
      return total;
    }, this.variables);
    value.dispose();
    return { grads, parts: parts as unknown as tf.Tensor1D };
  }

  /** Clips by global norm and takes the Adam step (grads stay the caller's to dispose). */
  private applyGradients(grads: tf.NamedTensorMap): void {
    const train = this.config.train;
    const optimizer = this.optimizer;
    if (optimizer instanceof HostAdam) optimizer.applyGradients(grads, train.clipNorm);
    else tf.tidy(() => {
      const list = Object.values(grads);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      // Global-norm clipping without a readback: scale = min(1, clip / norm).
      const scale = train.clipNorm > 0 ? tf.minimum(1, tf.div(train.clipNorm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
      // Every variable, in one fixed order, even one this batch did not reach (e.g. CRF transitions
      // in a batch of one-token sentences): Adam keys its moments by position in this map.
      const clipped: tf.NamedTensorMap = {};
      for (const v of this.variables) {
        const g = grads[v.name];
        clipped[v.name] = g ? tf.mul(g, scale) : tf.zerosLike(v);
      }
      optimizer.applyGradients(clipped as tf.NamedTensorMap as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
    });
  }

  /** Sums of loss parts (`[total, ...tasks, adversarial, orthogonality]`) over their weights (`partWeights`). */
  private lossParts(sums: ArrayLike<number>, weights: ArrayLike<number>): LossParts {
    const mean = (i: number) => ((weights[i] ?? 0) > 0 ? (sums[i] ?? 0) / weights[i]! : 0);
    const tasks = Object.fromEntries(this.data.tasks.map((task, t) => [task.name, mean(1 + t)]));
    const n = this.data.tasks.length;
    return { total: mean(0), tasks, adversarial: mean(1 + n), orthogonality: mean(2 + n) };
  }

  /**
   * How much each loss part of a batch counts in a window or epoch mean. A task's loss is a mean over
   * the batch's sentences labelled for it (partial labels), so it weighs by their count: sentences
   * without its labels must not dilute its curve. The total and the shared parts weigh by batch size.
   */
  private partWeights(batch: Batch): Float64Array {
    const n = this.data.tasks.length;
    const weights = new Float64Array(n + 3).fill(batch.size);
    for (let t = 0; t < n; t++) weights[1 + t] = batch.tagMask[t]!.reduce((sum, flag) => sum + flag, 0);
    return weights;
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
      let epochSum: tf.Tensor1D | null = null;
      let windowSum: tf.Tensor1D | null = null;
      let windowTokens = 0;
      let windowStart = performance.now();
      const partCount = this.data.tasks.length + 3;
      const epochWeights = new Float64Array(partCount);
      let windowWeights = new Float64Array(partCount);
      for (let i = 0; i < batches.length; i++) {
        await hooks.beforeBatch?.();
        if (hooks.signal?.aborted) {
          reason = 'cancelled';
          tf.dispose([epochSum, windowSum].filter((t): t is tf.Tensor1D => t !== null));
          break epochs;
        }
        const batch = batches[i]!;
        const parts = this.trainBatch(batch);
        const weights = this.partWeights(batch);
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

        if ((i + 1) % reportEvery === 0 || i === batches.length - 1) {
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
            elapsedSeconds: elapsed,
            etaSeconds: done > 0 ? ((now - epochStart) / 1000 / (i + 1)) * (this.totalSteps - done) : 0,
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
      const dev = evaluate(this.model, this.data.dev, { batchSize: train.batchSize, orthogonalityMode: train.orthogonalityMode }).report;
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
    if (!(this.optimizer instanceof HostAdam)) this.optimizer.dispose();
  }
}
