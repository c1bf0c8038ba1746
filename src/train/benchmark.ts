/**
 * The speed benchmark behind `mtaa bench` (Node) and `npm run bench:browser` (a browser worker):
 * trains and decodes a preset on a fixed set of sentences and reports throughput, kernels per step,
 * memory and the tensor-count change. No file system and no DOM, so both doors share it.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeBatch, paddingRatio, planBatches, type Batch } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { mergeConfig, presets, type PresetName } from '../core/config.ts';
import { countKernels } from '../model/kernelCount.ts';
import type { GradientPool } from './parallel/gradientPool.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

export interface BenchOptions {
  preset: PresetName;
  tasks: TaskSpec[];
  sentences: Sentence[];
  batchSize?: number;
  /** Untimed batches first (kernel compilation, allocator warm-up). */
  warmupBatches?: number;
  seed?: number;
  /** Gradient peers on other threads (data-parallel training steps); none: one thread. */
  pool?: GradientPool;
}

export interface Throughput {
  seconds: number;
  batches: number;
  sentencesPerSecond: number;
  tokensPerSecond: number;
}

export interface BenchResult {
  preset: PresetName;
  backend: string;
  /** Threads that computed training steps (the trainer's and its pool's peers). */
  threads: number;
  /** Why the pool's peers stopped being used, if they did. */
  threadFailure?: string;
  sentences: number;
  tokens: number;
  batchSize: number;
  paddingRatio: number;
  parameters: number;
  train: Throughput;
  decode: Throughput;
  /** tfjs kernels (and estimated GPU dispatches) in one training step of a median-length batch, on one thread. */
  kernelsPerStep: number;
  dispatchesPerStep: number;
  /** Largest `tf.memory().numBytes` seen (tfjs-managed tensors). */
  peakBytes: number;
  /** Tensors alive after the timed steps minus before them: 0 means no leak. */
  tensorDelta: number;
}

function tokensOf(batches: readonly Batch[]): number {
  return batches.reduce((n, b) => n + b.lengths.reduce((a, c) => a + c, 0), 0);
}

function throughput(seconds: number, batches: readonly Batch[]): Throughput {
  const sentences = batches.reduce((n, b) => n + b.size, 0);
  return {
    seconds,
    batches: batches.length,
    sentencesPerSecond: seconds > 0 ? sentences / seconds : 0,
    tokensPerSecond: seconds > 0 ? tokensOf(batches) / seconds : 0,
  };
}

export async function runBenchmark(opts: BenchOptions): Promise<BenchResult> {
  const batchSize = opts.batchSize ?? 64;
  const config = mergeConfig(presets[opts.preset], { train: { batchSize, seed: opts.seed ?? 1, epochs: 1 } });
  const trainer = new Trainer({ runId: `bench-${opts.preset}`, config, data: { tasks: opts.tasks, train: opts.sentences, dev: [] }, ...(opts.pool ? { pool: opts.pool } : {}) });
  try {
    const { words, chars, tags } = trainer.model.vocabularies;
    const encode = (plan: Int32Array[]) =>
      plan.map((indices) => encodeBatch(opts.sentences, indices, { words, chars, tags }, { maxWordLen: config.model.embedding.maxWordLength }));
    const lengths = opts.sentences.map((s) => s.words.length);
    const trainBatches = encode(planBatches(lengths, { batchSize, seed: config.train.seed, shuffle: true }));
    const decodeBatches = encode(planBatches(lengths, { batchSize, shuffle: false, paddingNoise: 0 }));
    let peakBytes = 0;
    const notePeak = () => {
      peakBytes = Math.max(peakBytes, tf.memory().numBytes);
    };
    const step = async (batch: Batch, sync: boolean) => {
      const parts = await trainer.trainBatchAsync(batch);
      notePeak();
      if (sync) await parts.data();
      parts.dispose();
    };

    const warmup = Math.min(opts.warmupBatches ?? 2, trainBatches.length);
    for (let i = 0; i < warmup; i++) await step(trainBatches[i]!, true);
    const tensorsBefore = tf.memory().numTensors;
    const timed = trainBatches.slice(warmup);
    let start = performance.now();
    for (let i = 0; i < timed.length; i++) await step(timed[i]!, i === timed.length - 1);
    const trainSeconds = (performance.now() - start) / 1000;
    const tensorDelta = tf.memory().numTensors - tensorsBefore;

    // Decoding as the trainer evaluates (forward and Viterbi, no losses), on the pool's threads too.
    start = performance.now();
    await trainer.evaluateSentences(opts.sentences, false);
    notePeak();
    const decodeSeconds = (performance.now() - start) / 1000;

    const byLength = [...trainBatches].sort((a, b) => a.maxLen - b.maxLen);
    const median = byLength[Math.floor(byLength.length / 2)]!;
    const kernels = await countKernels(() => trainer.trainBatch(median));
    const parameters = [...trainer.model.params.variables.values()].reduce((n, v) => n + v.size, 0);
    return {
      preset: opts.preset,
      backend: tf.getBackend(),
      threads: opts.pool?.usable && opts.pool.backend === tf.getBackend() ? opts.pool.peers.length + 1 : 1,
      ...(opts.pool?.failure ? { threadFailure: opts.pool.failure } : {}),
      sentences: opts.sentences.length,
      tokens: tokensOf(trainBatches),
      batchSize,
      paddingRatio: paddingRatio(trainBatches),
      parameters,
      train: throughput(trainSeconds, timed),
      decode: throughput(decodeSeconds, decodeBatches),
      kernelsPerStep: kernels.total,
      dispatchesPerStep: kernels.dispatches,
      peakBytes,
      tensorDelta,
    };
  } finally {
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  }
}
