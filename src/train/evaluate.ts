/**
 * Runs a tagger over labelled sentences: Viterbi predictions, conlleval / accuracy scores per task,
 * loss parts, discriminator accuracy per pair and the mean attention β per task.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeBatch, planBatches, type Batch } from '../data/index.ts';
import type { Sentence } from '../data/types.ts';
import type { OrthogonalityMode } from '../core/config.ts';
import { disposeBatchTensors, toBatchTensors, type BatchTensors } from '../model/batchTensors.ts';
import { crfViterbi } from '../model/crf.ts';
import { inferenceForward, representationNames } from '../model/tagger.ts';
import type { EvaluationReport, LossParts, TaskBreakdown, TaskScore } from '../core/events.ts';
import type { BatchEvaluation } from './parallel/wire.ts';
import { breakdownTask, scoreTask } from './taskScoring.ts';
import type { TaggerModel } from './taggerModel.ts';
import type { TaggerParams } from '../model/taggerParams.ts';

export interface Evaluation {
  report: EvaluationReport;
  /** `[task][sentence]` predicted tags (strings), in the input's sentence order. */
  predictions: string[][][];
}

export interface EvaluateOptions {
  batchSize?: number;
  orthogonalityMode?: OrthogonalityMode;
}

/** Batches for decoding: sorted by length (least padding), no shuffling. */
export function evaluationBatches(model: TaggerModel, sentences: readonly Sentence[], batchSize: number): Batch[] {
  const plan = planBatches(
    sentences.map((s) => s.words.length),
    { batchSize, shuffle: false, paddingNoise: 0 },
  );
  const { words, chars, tags } = model.vocabularies;
  return plan.map((indices) =>
    encodeBatch(sentences, indices, { words, chars, tags }, { maxWordLen: model.config.model.embedding.maxWordLength }),
  );
}

export function withBatchTensors<T>(model: TaggerModel, batch: Batch, use: (b: BatchTensors) => T): T {
  const tensors = toBatchTensors(batch, model.config.model.embedding.charFilters > 0);
  try {
    return use(tensors);
  } finally {
    disposeBatchTensors(tensors);
  }
}

/**
 * Forward pass and Viterbi over one batch; the losses too when `lossesNeeded`. Reads back with
 * `data()`, never `dataSync()`: on WebGPU a synchronous read goes through a canvas, which Chromium's
 * software adapter cannot back, and which has then destroyed the device.
 */
export async function evaluateBatch(
  params: TaggerParams,
  batch: Batch,
  opts: { orthogonalityMode?: OrthogonalityMode; lossesNeeded?: boolean } = {},
): Promise<BatchEvaluation> {
  const lossesNeeded = opts.lossesNeeded ?? true;
  const tensors = toBatchTensors(batch, params.config.embedding.charFilters > 0);
  try {
    const out = tf.tidy(() => {
      const f = inferenceForward(params, tensors, { orthogonalityMode: opts.orthogonalityMode ?? 'normalized', lossesNeeded });
      const maskedBeta = f.beta.map((beta) => (beta ? tf.sum(tf.mul(beta, tf.expandDims(tensors.mask, 2)), [0, 1]) : tf.zeros([0])));
      return {
        emissions: f.emissions,
        scalars: lossesNeeded ? tf.stack([...f.taskLosses, f.adversarial, f.orthogonality, ...f.discriminatorAccuracy]) : tf.zeros([0]),
        betaSums: maskedBeta,
      };
    });
    try {
      const [paths, scalars, betaSums] = await Promise.all([
        Promise.all(out.emissions.map((e, t) => crfViterbi(e, tensors.mask, params.crf[t]!))),
        out.scalars.data(),
        Promise.all(out.betaSums.map(async (sums) => (sums.size === 0 ? null : Array.from(await sums.data())))),
      ]);
      return { paths, scalars: Array.from(scalars), betaSums };
    } finally {
      tf.dispose([...out.emissions, out.scalars, ...out.betaSums]);
    }
  } finally {
    disposeBatchTensors(tensors);
  }
}

export async function evaluate(model: TaggerModel, sentences: readonly Sentence[], opts: EvaluateOptions = {}): Promise<Evaluation> {
  const batches = evaluationBatches(model, sentences, opts.batchSize ?? 64);
  return summarizeEvaluation(model, sentences, batches, await evaluateBatches(model.params, batches, opts));
}

/** `evaluateBatch` over `batches`, one after another (one batch's tensors alive at a time). */
export async function evaluateBatches(
  params: TaggerParams,
  batches: readonly Batch[],
  opts: { orthogonalityMode?: OrthogonalityMode; lossesNeeded?: boolean } = {},
): Promise<BatchEvaluation[]> {
  const results: BatchEvaluation[] = [];
  for (const batch of batches) results.push(await evaluateBatch(params, batch, opts));
  return results;
}

/**
 * The report from every batch's numbers (`evaluationBatches` order): predictions, scores, loss
 * parts, discriminator accuracy and mean β. Sums run in batch order, so the report does not depend
 * on which thread evaluated which batch.
 */
export function summarizeEvaluation(
  model: TaggerModel,
  sentences: readonly Sentence[],
  batches: readonly Batch[],
  results: readonly BatchEvaluation[],
): Evaluation {
  const { params, tasks } = model;
  const taskCount = tasks.length;
  const predictions: string[][][] = tasks.map(() => new Array<string[]>(sentences.length));
  const lossSums = new Float64Array(taskCount + 2);
  /**
   * A task's batch loss is a mean over the batch's sentences labelled for it (partial labels), so
   * it is weighted by their count, not the batch size: sentences without its labels do not dilute it.
   */
  const taskWeights = new Float64Array(taskCount);
  let lossWeight = 0;
  /** Pairs with a discriminator (none for no-TD, base and iterative). */
  const pairCount = params.adversary ? params.pairs.length : 0;
  const discSums = new Float64Array(pairCount);
  const betaNames = tasks.map((_, t) => representationNames(params, t));
  const betaSums = betaNames.map((names) => new Float64Array(names.length));
  /** Tasks whose fusion produced attention weights (not base, iterative, concat or a lone task). */
  const hasBeta = tasks.map(() => false);
  let tokens = 0;

  batches.forEach((batch, k) => {
    const result = results[k]!;
    const scalars = result.scalars;
    if (scalars.length > 0) {
      for (let t = 0; t < taskCount; t++) {
        const labelled = batch.tagMask[t]!.reduce((sum, flag) => sum + flag, 0);
        lossSums[t]! += scalars[t]! * labelled;
        taskWeights[t]! += labelled;
      }
      for (let i = taskCount; i < taskCount + 2; i++) lossSums[i]! += scalars[i]! * batch.size;
      for (let p = 0; p < pairCount; p++) discSums[p]! += scalars[taskCount + 2 + p]! * batch.size;
      lossWeight += batch.size;
    }
    result.betaSums.forEach((sums, t) => {
      if (!sums) return;
      hasBeta[t] = true;
      for (let r = 0; r < sums.length; r++) betaSums[t]![r]! += sums[r]!;
    });
    for (const length of batch.lengths) tokens += length;
    result.paths.forEach((paths, t) => {
      const tagSet = model.vocabularies.tags[t]!;
      paths.forEach((path, row) => {
        predictions[t]![batch.sentenceIndex[row]!] = path.map((id) => tagSet.tag(id));
      });
    });
  });

  const mean = (sum: number) => (lossWeight > 0 ? sum / lossWeight : 0);
  const taskLoss = Object.fromEntries(tasks.map((task, t) => [task.name, taskWeights[t]! > 0 ? lossSums[t]! / taskWeights[t]! : 0]));
  const loss: LossParts = {
    tasks: taskLoss,
    adversarial: mean(lossSums[taskCount]!),
    orthogonality: mean(lossSums[taskCount + 1]!),
    total: 0,
  };
  const train = model.config.train;
  loss.total =
    Object.values(taskLoss).reduce((a, b) => a + b, 0) + train.lambdaAdversarial * loss.adversarial + train.lambdaOrthogonality * loss.orthogonality;

  const scores: TaskScore[] = [];
  const breakdown: TaskBreakdown[] = [];
  tasks.forEach((task, t) => {
    const labelled = sentences.flatMap((s, i) => (s.tags[t] ? [i] : []));
    if (labelled.length === 0) return;
    const gold = labelled.map((i) => sentences[i]!.tags[t]!);
    const pred = labelled.map((i) => predictions[t]![i]!);
    scores.push(scoreTask(task, gold, pred));
    // Error sentences are named by their index in `sentences` (the dev order the inspector lists).
    breakdown.push(breakdownTask(task, gold, pred, labelled));
  });
  const names = params.dims.tasks.map((t) => t.name);
  return {
    predictions,
    report: {
      scores,
      breakdown,
      loss,
      discriminatorAccuracy: params.pairs.slice(0, pairCount).map((p, i) => ({ pair: `${names[p.a]}+${names[p.b]}`, accuracy: mean(discSums[i]!) })),
      attention: tasks.flatMap((task, t) =>
        hasBeta[t] && tokens > 0
          ? [{ task: task.name, representations: betaNames[t]!, mean: [...betaSums[t]!].map((s) => s / tokens) }]
          : [],
      ),
    },
  };
}
