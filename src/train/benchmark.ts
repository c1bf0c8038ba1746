/**
 * The speed benchmark behind `mtaa bench` (Node) and `npm run bench:browser` (a browser worker):
 * trains and decodes a preset on a fixed set of sentences and reports throughput, the real work of
 * a step and of a decode batch (tfjs kernels; on WebGPU dispatches, submits, buffer writes and bind
 * groups counted on the device, by kernel: `workMeter.ts`), the CPU time a step spends issuing
 * work, memory and the tensor-count change. No file system and no DOM, so both doors share it.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeBatch, paddingRatio, planBatches, splitBatch, type Batch } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { mergeConfig, presets, type PresetName } from '../core/config.ts';
import { evaluateBatch } from './evaluate.ts';
import { fixedLengthSentences } from './fixedLength.ts';
import type { GradientPool } from './parallel/gradientPool.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';
import { WorkMeter, type WorkSummary } from './workMeter.ts';

/** The WebGPU adapter a run used, as its `info` reports it. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  /**
   * A fallback or software adapter (SwiftShader, lavapipe, llvmpipe): a CPU emulating a GPU. Its
   * speed figures are not GPU speed; its work counts are exact (they do not depend on the adapter).
   */
  software: boolean;
}

/** The work of one training step and one decode batch at one padded length. */
export interface WorkAtLength {
  paddedLength: number;
  /** Slices the trainer cut that step into (its memory budget, `Trainer.slotBudget`); 1: one pass. */
  stepSlices: number;
  step: WorkSummary;
  decodeBatch: WorkSummary;
}

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
  /** The WebGPU adapter, when the backend is WebGPU (reported, and `software` labels the speeds). */
  adapter?: AdapterReport;
  /**
   * Padded lengths at which to count the work of one step and one decode batch of `batchSize`
   * sentences of exactly that length (`fixedLengthSentences`); default none.
   */
  paddedLengths?: readonly number[];
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
  /** The WebGPU adapter (WebGPU only). */
  adapter?: AdapterReport;
  /**
   * True when the speeds were measured on a software GPU adapter: they are CPU emulation, never
   * GPU speed. False on a hardware adapter and on CPU backends (whose speed is CPU speed).
   */
  software: boolean;
  /** tfjs kernels in one training step of a median-length batch, on one thread (= `step.kernels`). */
  kernelsPerStep: number;
  /** Padded token slots one forward/backward pass may take on this backend (`Trainer.slotBudget`). */
  slotBudget: number;
  /** The work of that step (real GPU dispatches etc. on WebGPU), with its padded length and slices. */
  step: WorkSummary & { paddedLength: number; stepSlices: number };
  /** The work of decoding the median-length batch (forward, Viterbi, readback). */
  decodeBatch: WorkSummary & { paddedLength: number };
  /** The same at each requested padded length. */
  byLength: WorkAtLength[];
  /**
   * Median wall time (ms) of a timed step's JavaScript: the call that builds the step's graph and
   * records (on WebGPU: encodes and submits) all its work, without waiting for the GPU to finish.
   * On WASM/CPU the arithmetic runs inside the call, so it is the step's time.
   */
  cpuMsPerStep: number;
  /** Largest `tf.memory().numBytes` seen (tfjs-managed tensors). */
  peakBytes: number;
  /** Tensors alive after the timed steps minus before them: 0 means no leak. */
  tensorDelta: number;
}

/**
 * Fails the benchmark on a synchronous readback or a CPU-forwarded kernel in a counted step or
 * decode batch: tfjs only warns (once) about them, and on a GPU each costs a stall or hides work.
 */
function assertNoHiddenWork(work: { step: WorkSummary; decodeBatch: WorkSummary; byLength: WorkAtLength[] }): void {
  const all: Array<[string, WorkSummary]> = [
    ['step', work.step],
    ['decode batch', work.decodeBatch],
    ...work.byLength.flatMap((w): Array<[string, WorkSummary]> => [
      [`step at length ${w.paddedLength}`, w.step],
      [`decode batch at length ${w.paddedLength}`, w.decodeBatch],
    ]),
  ];
  for (const [what, summary] of all) {
    if (summary.syncReads) throw new Error(`a ${what} read ${summary.syncReads} tensor(s) back synchronously (dataSync/arraySync): use data()`);
    if (summary.cpuForwarded) throw new Error(`a ${what} ran ${summary.cpuForwarded} kernel(s) on the CPU instead of the GPU (WEBGPU_CPU_FORWARD)`);
  }
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
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
    const encodeFrom = (sentences: readonly Sentence[], indices: Int32Array) =>
      encodeBatch(sentences, indices, { words, chars, tags }, { maxWordLen: config.model.embedding.maxWordLength });
    const encode = (plan: Int32Array[]) => plan.map((indices) => encodeFrom(opts.sentences, indices));
    const lengths = opts.sentences.map((s) => s.words.length);
    const trainBatches = encode(planBatches(lengths, { batchSize, seed: config.train.seed, shuffle: true }));
    const decodeBatches = encode(planBatches(lengths, { batchSize, shuffle: false, paddingNoise: 0 }));
    let peakBytes = 0;
    const notePeak = () => {
      peakBytes = Math.max(peakBytes, tf.memory().numBytes);
    };
    /** One step; resolves with the ms its call took to issue the work (before any readback). */
    const step = async (batch: Batch, sync: boolean) => {
      const t0 = performance.now();
      const parts = await trainer.trainBatchAsync(batch);
      const issued = performance.now() - t0;
      notePeak();
      if (sync) await parts.data();
      parts.dispose();
      return issued;
    };

    const warmup = Math.min(opts.warmupBatches ?? 2, trainBatches.length);
    for (let i = 0; i < warmup; i++) await step(trainBatches[i]!, true);
    const tensorsBefore = tf.memory().numTensors;
    const timed = trainBatches.slice(warmup);
    const issueMs: number[] = [];
    let start = performance.now();
    for (let i = 0; i < timed.length; i++) issueMs.push(await step(timed[i]!, i === timed.length - 1));
    const trainSeconds = (performance.now() - start) / 1000;
    const tensorDelta = tf.memory().numTensors - tensorsBefore;

    // Decoding as the trainer evaluates (forward and Viterbi, no losses), on the pool's threads too.
    start = performance.now();
    await trainer.evaluateSentences(opts.sentences, false);
    notePeak();
    const decodeSeconds = (performance.now() - start) / 1000;

    const sorted = [...trainBatches].sort((a, b) => a.maxLen - b.maxLen);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const decodeMedian = [...decodeBatches].sort((a, b) => a.maxLen - b.maxLen)[Math.floor(decodeBatches.length / 2)]!;
    const meter = WorkMeter.install();
    let work: { step: WorkSummary; decodeBatch: WorkSummary; byLength: WorkAtLength[] };
    try {
      const stepWork = async (batch: Batch) => {
        const { value, work } = await meter.measure(() => trainer.trainBatch(batch));
        value.dispose();
        return work;
      };
      const decodeWork = async (batch: Batch) => {
        const orthogonalityMode = config.train.orthogonalityMode;
        return (await meter.measure(() => evaluateBatch(trainer.model.params, batch, { orthogonalityMode, lossesNeeded: false }))).work;
      };
      const byLength: WorkAtLength[] = [];
      for (const paddedLength of opts.paddedLengths ?? []) {
        const batch = encodeFrom(fixedLengthSentences(opts.sentences, batchSize, paddedLength), Int32Array.from({ length: batchSize }, (_, i) => i));
        byLength.push({ paddedLength, stepSlices: splitBatch(batch, trainer.slotBudget).length, step: await stepWork(batch), decodeBatch: await decodeWork(batch) });
      }
      work = { step: await stepWork(median), decodeBatch: await decodeWork(decodeMedian), byLength };
    } finally {
      meter.uninstall();
    }
    assertNoHiddenWork(work);
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
      ...(opts.adapter ? { adapter: opts.adapter } : {}),
      software: opts.adapter?.software ?? false,
      kernelsPerStep: work.step.kernels,
      slotBudget: trainer.slotBudget,
      step: { paddedLength: median.maxLen, stepSlices: splitBatch(median, trainer.slotBudget).length, ...work.step },
      decodeBatch: { paddedLength: decodeMedian.maxLen, ...work.decodeBatch },
      byLength: work.byLength,
      cpuMsPerStep: medianOf(issueMs),
      peakBytes,
      tensorDelta,
    };
  } finally {
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  }
}
