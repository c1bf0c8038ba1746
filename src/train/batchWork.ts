/**
 * A step's gradients and a sentence set's evaluation, cut to fit memory and shared with the gradient
 * peers: the work of one training step or one dev pass, apart from the loop that orders it
 * (trainer.ts). A batch over the step's memory budget is cut into slices of whole sentences
 * (`splitBatch`), each slice's losses weighted by its share of what the whole batch's loss averages
 * over, so the summed gradients are the whole batch's (up to float rounding and the slices' own
 * dropout masks). With a pool, the batch is first cut into one part per thread (`partitionBatch`);
 * a peer that fails hands its part back to this thread and the pool is not used again.
 */
import { messageOf } from '../core/errors.ts';
import * as tf from '@tensorflow/tfjs';
import { groupBatches, partitionBatch, splitBatch, type Batch } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import type { RunConfig } from '../core/config.ts';
import type { BatchEvaluation, GradientPeerInit, GradientReply, GradientRequest, GradientStep } from './parallel/wire.ts';
import { evaluateBatches, evaluationBatches, summarizeEvaluation, withBatchTensors, type Evaluation } from './evaluate.ts';
import type { GradientPool } from './parallel/gradientPool.ts';
import { addLossGradients, lossGradients, type LossGradients } from './lossGradients.ts';
import type { TaggerModel } from './taggerModel.ts';

/** Stops using `pool` after a peer's error; the caller computes that peer's share on this thread. */
function peerFailed(pool: GradientPool, error: unknown): void {
  pool.fail(`a gradient peer failed: ${messageOf(error)}`);
}

let nextReplica = 1;

export class BatchWork {
  /** Threads that computed the last step (1, or 1 + the peers that answered). */
  lastStepThreads = 1;
  /** Names this run's replica on the pool's peers (unique in this thread). */
  private readonly replicaKey: string;

  constructor(
    private readonly model: TaggerModel,
    /** The model's variables, in the order the peers' gradients come back in. */
    private readonly variables: tf.Variable[],
    /** The run's config, read at each call (its live settings change between batches). */
    private readonly config: RunConfig,
    /** Padded token slots one forward/backward pass may take (`stepSlotBudget`). */
    readonly slotBudget: number,
    private readonly pool: GradientPool | null,
    runId: string,
  ) {
    this.replicaKey = `${runId}#${nextReplica++}`;
  }

  /**
   * The batch's gradients and loss parts computed with the pool's peers; null where the pool is not
   * used for it (none, failed, another backend, or a batch too small to share). Does not step the
   * optimiser.
   */
  async poolGradients(batch: Batch, step: GradientStep): Promise<LossGradients | null> {
    const pool = this.usablePool();
    if (!pool || batch.size < 2 || batch.size * batch.maxLen < pool.minSlots) {
      this.lastStepThreads = 1;
      return null;
    }
    const whole = this.partWeights(batch);
    let index = 0;
    const parts = partitionBatch(batch, pool.peers.length + 1).map((part) =>
      splitBatch(part, this.slotBudget).map((slice) => ({ batch: slice, weights: this.sliceWeights(whole, slice, batch), index: index++ })),
    );
    const weights = this.hostWeights();
    const [own, ...theirs] = parts;
    // Posted before this thread starts on its own part, so the peers work meanwhile.
    const replies = theirs.map((slices, j) => pool.compute(j, { replica: this.replicaKey, step, slices, weights }, () => this.peerInit()).then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error, slices }),
    ));
    let sum = this.sliceGradients(own!, step);
    this.lastStepThreads = 1;
    for (const outcome of await Promise.all(replies)) {
      if ('reply' in outcome) {
        sum = this.addReply(sum, outcome.reply);
        this.lastStepThreads++;
      } else {
        peerFailed(pool, outcome.error);
        sum = addLossGradients(sum, this.sliceGradients(outcome.slices, step));
      }
    }
    return sum;
  }

  /**
   * Gradients of the batch's training loss and its parts, summed over `slices` (consecutive rows of
   * `batch`, as `splitBatch` cuts them), on this thread. Does not step the optimiser.
   */
  batchGradients(batch: Batch, step: GradientStep, slices: readonly Batch[] = splitBatch(batch, this.slotBudget)): LossGradients {
    const whole = this.partWeights(batch);
    return this.sliceGradients(
      slices.map((slice, index) => ({ batch: slice, weights: this.sliceWeights(whole, slice, batch), index })),
      step,
    );
  }

  /**
   * `evaluate` on `sentences` with the run's batch size and L_o mode (dev scores each epoch; without
   * `lossesNeeded`, decoding only), the pool's peers taking consecutive groups of the batches when
   * there is a pool. The report is `evaluate`'s either way: its sums run in batch order. A peer that
   * fails hands its group back to this thread.
   */
  async evaluateSentences(sentences: readonly Sentence[], lossesNeeded = true): Promise<Evaluation> {
    const train = this.config.train;
    const batches = evaluationBatches(this.model, sentences, train.batchSize);
    const opts = { orthogonalityMode: train.orthogonalityMode, lossesNeeded };
    const here = (group: readonly Batch[]) => evaluateBatches(this.model.params, group, opts);
    const pool = this.usablePool();
    if (!pool || batches.length < 2) return summarizeEvaluation(this.model, sentences, batches, await here(batches));
    const [own, ...theirs] = groupBatches(batches, pool.peers.length + 1);
    const weights = this.hostWeights();
    const replies = theirs.map((group, j) =>
      pool.evaluate(j, { replica: this.replicaKey, weights, batches: group, ...opts }, () => this.peerInit()).then(
        (reply) => ({ results: reply.results }),
        (error: unknown) => ({ error, group }),
      ),
    );
    const results: BatchEvaluation[] = await here(own!);
    for (const outcome of await Promise.all(replies)) {
      if ('results' in outcome) results.push(...outcome.results);
      else {
        peerFailed(pool, outcome.error);
        results.push(...(await here(outcome.group)));
      }
    }
    return summarizeEvaluation(this.model, sentences, batches, results);
  }

  /**
   * How much each loss part of a batch counts in a window or epoch mean. A task's loss is a mean over
   * the batch's sentences labelled for it (partial labels), so it weighs by their count: sentences
   * without its labels must not dilute its curve. The total and the shared parts weigh by batch size.
   */
  partWeights(batch: Batch): Float64Array {
    const n = batch.tagMask.length;
    const weights = new Float64Array(n + 3).fill(batch.size);
    for (let t = 0; t < n; t++) weights[1 + t] = batch.tagMask[t]!.reduce((sum, flag) => sum + flag, 0);
    return weights;
  }

  /** Frees the peers' copy of this run's weights. */
  dispose(): void {
    this.pool?.drop(this.replicaKey);
  }

  private sliceGradients(slices: GradientRequest['slices'], step: GradientStep): LossGradients {
    let sum: LossGradients | null = null;
    for (const slice of slices) {
      const out = withBatchTensors(this.model, slice.batch, (b) => lossGradients(this.model.params, this.variables, b, step, slice.weights, slice.index));
      sum = addLossGradients(sum, out);
    }
    if (!sum) throw new Error('no slices to train on');
    return sum;
  }

  /**
   * The weights (`[task…, adv, orth]`) that scale a slice's loss parts to its share of what the whole
   * batch's parts average over (`whole`, the batch's `partWeights`); null for the batch itself.
   */
  private sliceWeights(whole: Float64Array, slice: Batch, batch: Batch): number[] | null {
    if (slice === batch) return null;
    const own = this.partWeights(slice);
    return Array.from(whole.subarray(1), (n, k) => (n > 0 ? own[k + 1]! / n : 0));
  }

  /** Adds a peer's host gradients (variable order) into this thread's. */
  private addReply(sum: LossGradients, reply: GradientReply): LossGradients {
    const more: LossGradients = { grads: {}, parts: tf.tensor1d(reply.parts) };
    reply.grads.forEach((g, i) => {
      const v = this.variables[i]!;
      if (g) more.grads[v.name] = tf.tensor(g, v.shape, 'float32');
    });
    return addLossGradients(sum, more);
  }

  /** The pool, when it works and runs on the backend tfjs runs on now (its replicas are built there). */
  private usablePool(): GradientPool | null {
    const pool = this.pool;
    return pool?.usable && pool.backend === tf.getBackend() ? pool : null;
  }

  /** The weights to post to the peers (host backends only: the pool is never used on a GPU). */
  private hostWeights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array);
  }

  /** What a pool's peers build their replicas from. */
  private peerInit(): GradientPeerInit {
    const { wordInit: _unused, ...dims } = this.model.params.dims;
    return { config: this.config, dims };
  }
}
