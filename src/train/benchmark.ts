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
import { gpuActivationBytesPerSlot } from '../model/trainingMemory.ts';
import { countingWarmupSize, FULL_PLAN, type BenchPlan } from './benchPlan.ts';
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
  /** Padded token slots of the batch (batch size × padded length). */
  slots: number;
  /** The last counted step's work (`stepsPerLength` steps were counted). */
  step: WorkSummary;
  /** Dispatches (WebGPU) or kernels of each counted step, when more than one was counted. */
  eachStep?: number[];
  decodeBatch: WorkSummary;
  /**
   * WebGPU only: GPU bytes in use by tfjs just before the step (weights, optimizer moments, the
   * batch's inputs), so `step.peakGpuBytes` minus it is what the step itself added at its peak.
   */
  gpuBytesBeforeStep?: number;
  /**
   * WebGPU only: what the trainer's memory budget expects the step to add at its peak
   * (`gpuActivationBytesPerSlot` × slots of one pass), against which the measured peak is read.
   */
  predictedStepGpuBytes?: number;
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
  /** Which passes to make (`benchPlan.ts`); default all, one counted step per length. */
  plan?: BenchPlan;
  /**
   * Told as the run goes: each phase's start and each padded length's work once counted, so that a
   * run cut short on a slow adapter still leaves the lengths it finished.
   */
  onProgress?: (message: string, at?: WorkAtLength) => void;
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
  /** What the run did (`benchPlan.ts`): without `timing`, no speeds below. */
  plan: BenchPlan;
  /** Untimed steps before anything was timed or counted (on a batch of `warmupSize` sentences). */
  warmupSteps: number;
  warmupSize: number;
  /** Speeds: only with the timing pass. */
  train?: Throughput;
  decode?: Throughput;
  /** The WebGPU adapter (WebGPU only). */
  adapter?: AdapterReport;
  /**
   * True when the speeds were measured on a software GPU adapter: they are CPU emulation, never
   * GPU speed. False on a hardware adapter and on CPU backends (whose speed is CPU speed).
   */
  software: boolean;
  /** tfjs kernels in one training step of a median-length batch, on one thread (= `step.kernels`). */
  kernelsPerStep?: number;
  /** Padded token slots one forward/backward pass may take on this backend (`Trainer.slotBudget`). */
  slotBudget: number;
  /** The work of that step (real GPU dispatches etc. on WebGPU), with its padded length and slices (`plan.medianBatch`). */
  step?: WorkSummary & { paddedLength: number; stepSlices: number };
  /** The work of decoding the median-length batch (forward, Viterbi, readback; `plan.medianBatch`). */
  decodeBatch?: WorkSummary & { paddedLength: number };
  /** The same at each requested padded length. */
  byLength: WorkAtLength[];
  /**
   * Median wall time (ms) of a timed step's JavaScript: the call that builds the step's graph and
   * records (on WebGPU: encodes and submits) all its work, without waiting for the GPU to finish.
   * On WASM/CPU the arithmetic runs inside the call, so it is the step's time. Timing pass only.
   */
  cpuMsPerStep?: number;
  /** Largest `tf.memory().numBytes` seen (tfjs-managed tensors). */
  peakBytes: number;
  /** Tensors alive after the timed (or, without timing, the counted) steps minus before them: 0 means no leak. */
  tensorDelta: number;
}

/** A counted piece of work, named for the error that would fail the benchmark on it. */
type NamedWork = [string, WorkSummary];

/**
 * Fails the benchmark on a synchronous readback or a CPU-forwarded kernel in a counted step or
 * decode batch: tfjs only warns (once) about them, and on a GPU each costs a stall or hides work.
 */
function assertNoHiddenWork(all: readonly NamedWork[]): void {
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

/** tfjs-webgpu's `memory()` adds the bytes of its buffers in use. */
const gpuBytesInUse = (): number | undefined => (tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number }).numBytesInGPU;

export async function runBenchmark(opts: BenchOptions): Promise<BenchResult> {
  const batchSize = opts.batchSize ?? 64;
  const plan = opts.plan ?? FULL_PLAN;
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

    let speeds: Pick<BenchResult, 'train' | 'decode' | 'cpuMsPerStep'> = {};
    let warmupSteps: number;
    let warmupSize = batchSize;
    let tensorsBefore: number;
    const progress = opts.onProgress ?? (() => {});
    if (plan.timing) {
      progress('timing pass');
      warmupSteps = Math.min(opts.warmupBatches ?? 2, trainBatches.length);
      for (let i = 0; i < warmupSteps; i++) await step(trainBatches[i]!, true);
      tensorsBefore = tf.memory().numTensors;
      const timed = trainBatches.slice(warmupSteps);
      const issueMs: number[] = [];
      let start = performance.now();
      for (let i = 0; i < timed.length; i++) issueMs.push(await step(timed[i]!, i === timed.length - 1));
      const trainSeconds = (performance.now() - start) / 1000;
      // Decoding as the trainer evaluates (forward and Viterbi, no losses), on the pool's threads too.
      start = performance.now();
      await trainer.evaluateSentences(opts.sentences, false);
      notePeak();
      const decodeSeconds = (performance.now() - start) / 1000;
      speeds = { train: throughput(trainSeconds, timed), decode: throughput(decodeSeconds, decodeBatches), cpuMsPerStep: medianOf(issueMs) };
    } else {
      // Counts only: one small step first, so that the first use of every variable on the device is
      // not counted as the first counted step's work (see `countingWarmupSize`).
      warmupSteps = 1;
      warmupSize = countingWarmupSize(batchSize);
      progress(`warm-up step of ${warmupSize} sentences`);
      await step(encodeFrom(opts.sentences, Int32Array.from({ length: warmupSize }, (_, i) => i)), true);
      tensorsBefore = tf.memory().numTensors;
    }

    const gpuBytesPerSlot = tf.getBackend() === 'webgpu' ? gpuActivationBytesPerSlot(config, tags.map((t) => t.size)) : undefined;
    const meter = WorkMeter.install();
    const counted: NamedWork[] = [];
    let median: Pick<BenchResult, 'step' | 'decodeBatch' | 'kernelsPerStep'> = {};
    const byLength: WorkAtLength[] = [];
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
      for (const paddedLength of opts.paddedLengths ?? []) {
        const batch = encodeFrom(fixedLengthSentences(opts.sentences, batchSize, paddedLength), Int32Array.from({ length: batchSize }, (_, i) => i));
        const stepSlices = splitBatch(batch, trainer.slotBudget).length;
        progress(`counting padded length ${paddedLength}`);
        const gpuBytesBeforeStep = gpuBytesInUse();
        const steps: WorkSummary[] = [];
        for (let i = 0; i < plan.stepsPerLength; i++) steps.push(await stepWork(batch));
        const at: WorkAtLength = { paddedLength, stepSlices, slots: batchSize * paddedLength, step: steps[steps.length - 1]!, decodeBatch: await decodeWork(batch) };
        if (steps.length > 1) at.eachStep = steps.map((w) => w.dispatches ?? w.kernels);
        if (gpuBytesBeforeStep !== undefined && gpuBytesPerSlot !== undefined) {
          // The budget plans one pass of at most `slotBudget` slots at a time.
          Object.assign(at, { gpuBytesBeforeStep, predictedStepGpuBytes: gpuBytesPerSlot * Math.min(at.slots, trainer.slotBudget) });
        }
        byLength.push(at);
        progress(`counted padded length ${paddedLength}`, at);
        counted.push([`step at length ${paddedLength}`, at.step], ...steps.slice(0, -1).map((w): NamedWork => [`step at length ${paddedLength}`, w]), [`decode batch at length ${paddedLength}`, at.decodeBatch]);
      }
      if (plan.medianBatch) {
        progress('counting the median batch');
        const sorted = [...trainBatches].sort((a, b) => a.maxLen - b.maxLen);
        const stepBatch = sorted[Math.floor(sorted.length / 2)]!;
        const decodeBatch = [...decodeBatches].sort((a, b) => a.maxLen - b.maxLen)[Math.floor(decodeBatches.length / 2)]!;
        const stepSummary = await stepWork(stepBatch);
        const decodeSummary = await decodeWork(decodeBatch);
        median = {
          kernelsPerStep: stepSummary.kernels,
          step: { paddedLength: stepBatch.maxLen, stepSlices: splitBatch(stepBatch, trainer.slotBudget).length, ...stepSummary },
          decodeBatch: { paddedLength: decodeBatch.maxLen, ...decodeSummary },
        };
        counted.push(['step', stepSummary], ['decode batch', decodeSummary]);
      }
    } finally {
      meter.uninstall();
    }
    assertNoHiddenWork(counted);
    const tensorDelta = tf.memory().numTensors - tensorsBefore;
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
      plan,
      warmupSteps,
      warmupSize,
      ...speeds,
      ...(opts.adapter ? { adapter: opts.adapter } : {}),
      software: opts.adapter?.software ?? false,
      slotBudget: trainer.slotBudget,
      ...median,
      byLength,
      peakBytes: Math.max(peakBytes, ...byLength.map((w) => w.step.peakBytes), median.step?.peakBytes ?? 0),
      tensorDelta,
    };
  } finally {
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  }
}
