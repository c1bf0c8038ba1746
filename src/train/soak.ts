/**
 * The long-run health check behind `npm run soak`: trains a preset epoch after epoch until the time
 * is up and samples, after every epoch, the live tensor count, their bytes (GPU bytes on WebGPU)
 * and the JS heap. Nothing may grow after the first epoch: tensors and tensor bytes not at all,
 * the heap (measured after a forced GC where the runtime allows one) by no more than a small
 * allowance for allocator noise. No file system and no DOM: the door (src/cli/soak.ts) gives the
 * heap reading and the data.
 */
import * as tf from '@tensorflow/tfjs';
import { splitTrainDev } from '../data/index.ts';
import type { Sentence, TaskSpec } from '../data/types.ts';
import { mergeConfig, presets, type PresetName } from '../core/config.ts';
import { disposeTaggerModel } from './taggerModel.ts';
import { Trainer } from './trainer.ts';

export interface SoakOptions {
  preset: PresetName;
  tasks: TaskSpec[];
  sentences: Sentence[];
  /** Wall-clock budget; the epoch running when it ends is the last one. */
  minutes: number;
  /** Epochs to finish whatever the budget (default 2: growth needs two samples). */
  minEpochs?: number;
  /** Bytes of JS heap in use (after a GC if possible). */
  heapBytes: () => number;
  seed?: number;
  onSample?: (sample: SoakSample) => void;
}

export interface SoakSample {
  epoch: number;
  /** Seconds since the start. */
  seconds: number;
  tensors: number;
  tensorBytes: number;
  /** WebGPU only: bytes of live tensors on the GPU (tfjs' `numBytesInGPU`). */
  gpuBytes: number | null;
  heapBytes: number;
}

export interface SoakReport {
  backend: string;
  preset: PresetName;
  sentences: number;
  samples: SoakSample[];
  /** Tensors alive before the trainer and after it was disposed (must be equal). */
  tensorsBefore: number;
  tensorsAfter: number;
  /** What grew after the first epoch, said plainly; empty when healthy. */
  problems: string[];
}

/** Heap growth tolerated over the first epoch's reading: GC and allocator noise, not a leak. */
export const HEAP_ALLOWANCE_BYTES = 16 * 1024 * 1024;
export const HEAP_ALLOWANCE_SHARE = 0.1;

function sample(epoch: number, started: number, heapBytes: () => number): SoakSample {
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return {
    epoch,
    seconds: (performance.now() - started) / 1000,
    tensors: memory.numTensors,
    tensorBytes: memory.numBytes,
    gpuBytes: typeof memory.numBytesInGPU === 'number' ? memory.numBytesInGPU : null,
    heapBytes: heapBytes(),
  };
}

/** The verdict on samples: anything above the first epoch's figures (the heap with its allowance). */
export function soakProblems(samples: readonly SoakSample[], tensorsBefore: number, tensorsAfter: number): string[] {
  const problems: string[] = [];
  if (samples.length < 2) problems.push(`only ${samples.length} epoch(s) finished: too short to tell growth`);
  const first = samples[0];
  if (first) {
    const heapLimit = first.heapBytes * (1 + HEAP_ALLOWANCE_SHARE) + HEAP_ALLOWANCE_BYTES;
    for (const s of samples.slice(1)) {
      if (s.tensors > first.tensors) problems.push(`epoch ${s.epoch}: ${s.tensors} tensors, ${s.tensors - first.tensors} more than after epoch ${first.epoch}`);
      if (s.tensorBytes > first.tensorBytes) problems.push(`epoch ${s.epoch}: tensor bytes grew from ${first.tensorBytes} to ${s.tensorBytes}`);
      if (s.gpuBytes !== null && first.gpuBytes !== null && s.gpuBytes > first.gpuBytes) {
        problems.push(`epoch ${s.epoch}: GPU bytes grew from ${first.gpuBytes} to ${s.gpuBytes}`);
      }
      if (s.heapBytes > heapLimit) {
        problems.push(`epoch ${s.epoch}: JS heap ${(s.heapBytes / 2 ** 20).toFixed(1)} MB, over ${(heapLimit / 2 ** 20).toFixed(1)} MB (epoch ${first.epoch} + allowance)`);
      }
    }
  }
  if (tensorsAfter !== tensorsBefore) problems.push(`${tensorsAfter - tensorsBefore} tensors left alive after the trainer was disposed`);
  return problems;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const config = mergeConfig(presets[options.preset], { train: { epochs: 10_000, patience: 0, seed: options.seed ?? 1 } });
  const split = splitTrainDev(options.sentences, { devFraction: config.train.devFraction, seed: config.train.seed });
  const started = performance.now();
  const deadline = started + options.minutes * 60_000;
  const tensorsBefore = tf.memory().numTensors;
  const samples: SoakSample[] = [];
  const controller = new AbortController();
  const trainer = new Trainer({ runId: 'soak', config, data: { tasks: options.tasks, train: split.train, dev: split.dev } });
  try {
    await trainer.run({
      signal: controller.signal,
      onEvent(event) {
        if (event.type !== 'epoch') return;
        const s = sample(event.epoch, started, options.heapBytes);
        samples.push(s);
        options.onSample?.(s);
        if (samples.length >= (options.minEpochs ?? 2) && performance.now() >= deadline) controller.abort();
      },
      // Let a timer or signal handler run between batches.
      beforeBatch: () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
    });
  } finally {
    trainer.dispose();
    disposeTaggerModel(trainer.model);
  }
  const tensorsAfter = tf.memory().numTensors;
  return {
    backend: tf.getBackend(),
    preset: options.preset,
    sentences: split.train.length,
    samples,
    tensorsBefore,
    tensorsAfter,
    problems: soakProblems(samples, tensorsBefore, tensorsAfter),
  };
}
