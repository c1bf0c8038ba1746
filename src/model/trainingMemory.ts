/**
 * How many padded token slots (rows × timesteps) one training step may hold, so that a batch of long
 * sentences trains in slices (gradient accumulation) instead of exhausting the backend's memory.
 *
 * The backward pass keeps, for every slot, the activations of each LSTM stream it ran (per unit and
 * direction) and the CRF forward algorithm's `[K, K]` scores per task. The constants are fitted to the
 * WASM heap's growth per slot measured on CoNLL-2003 (tag sets 45/17/8): 0.73 MB for the `small`
 * preset, 3.57 MB for `paper` (its 15 BiLSTM streams of 2 × 256 units: 3 individual encoders and 3
 * shared ones over both member tasks and their gradient-cut copies). Unsliced, 64 sentences of 113
 * tokens (`small`) or 38 of 35 (`paper`) exceed WASM's 4 GiB and abort the backend. Pure TypeScript:
 * the trainer turns the estimate into a slot budget per step. Since the copies became a twin of one
 * forward pass (`biLstmTwin`), their forward activations are no longer kept, so the estimate (still
 * counting them) is on the safe side; it was not refitted.
 */
import type { RunConfig } from '../core/config.ts';

/** Heap bytes per slot for each hidden unit and direction of an LSTM stream (fitted: 211). */
const LSTM_BYTES_PER_UNIT = 224;
/** Heap bytes per slot for each (tag, tag) pair of a task's CRF (fitted: 137). */
const CRF_BYTES_PER_TAG_PAIR = 144;

/** What one step may spend on kept activations: half of WASM's 4 GiB heap, the rest for weights and fragmentation. */
export const DEFAULT_STEP_MEMORY_BYTES = 2 ** 31;

/** LSTM hidden units × directions × streams whose activations the backward pass keeps, per padded slot. */
function keptUnitDirections(config: RunConfig, taskCount: number): number {
  const { model, train } = config;
  const stream = (hidden: number, layers: number) => 2 * layers * hidden;
  const passes = model.architecture === 'iterative' ? model.iterative.iterations : 1;
  let units = taskCount * passes * stream(model.individual.hidden, model.individual.layers);
  if (model.architecture === 'mtaa' && taskCount > 1) {
    const pairs = (taskCount * (taskCount - 1)) / 2;
    const cut = model.adversary !== 'none' && train.reversalReach === 'sharedEncoder';
    units += pairs * (cut ? 4 : 2) * stream(model.shared.hidden, model.shared.layers);
  }
  return units;
}

/** Estimated bytes the backward pass keeps per padded token slot; `tagCounts`: each task's tag-set size. */
export function activationBytesPerSlot(config: RunConfig, tagCounts: readonly number[]): number {
  let bytes = keptUnitDirections(config, tagCounts.length) * LSTM_BYTES_PER_UNIT;
  for (const k of tagCounts) bytes += k * k * CRF_BYTES_PER_TAG_PAIR;
  return bytes;
}

/** The most padded slots a training step takes at once (a slice holds at least one sentence anyway). */
export function stepSlotBudget(config: RunConfig, tagCounts: readonly number[], memoryBytes = DEFAULT_STEP_MEMORY_BYTES): number {
  return Math.max(1, Math.floor(memoryBytes / activationBytesPerSlot(config, tagCounts)));
}

/*
 * WebGPU: the step's activations live in GPU buffers, not in WASM's heap, so its budget has limits of
 * its own. Two of them:
 * - every tensor is one GPU buffer, bound whole to a shader: the largest one must stay within the
 *   device's `maxBufferSize` and `maxStorageBufferBindingSize` (tfjs-webgpu asks for the adapter's
 *   own limits; WebGPU guarantees 256 MiB and 128 MiB, SwiftShader gives 1 GiB, desktop GPUs 2–4 GiB);
 * - all the buffers the step holds at its peak stay within a total. WebGPU does not report a GPU's
 *   memory, so the total is `WEBGPU_STEP_MEMORY_BYTES`, less on a device whose buffers are capped
 *   lower (a GPU that allows no buffer over 256 MiB is not one to give 2 GiB to a step).
 */

/** The device limits that bound a WebGPU step (`GPUSupportedLimits`' fields of the same names). */
export interface GpuBufferLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
}

/**
 * What a WebGPU step may hold at its peak, at most: 8 GiB (and no more than 8 of the device's largest
 * buffers), enough for a `paper` step of 64 sentences of 40 tokens (~6 GB) in one pass. A GPU that
 * has less fails the run with an out-of-memory device error, which the workbench reports and resumes
 * on the next backend.
 */
export const WEBGPU_STEP_MEMORY_BYTES = 2 ** 33;
/** Multiples of the device's largest buffer a WebGPU step may hold in all. */
const WEBGPU_BUFFERS_PER_STEP = 8;

/**
 * GPU bytes per slot for each hidden unit and direction of an LSTM stream at the step's peak, the
 * rest of the graph included (the fused CRF keeps no [L, L] table per slot). Fitted on WebGPU: the
 * peak of tfjs-webgpu's buffers in use during a `paper` step (15,360 unit-directions per slot) grew by
 * 2.24 MB per slot between padded lengths 10 and 40 (146 bytes per unit-direction; BENCHMARKS.md,
 * "Issue 13: batch 64").
 */
const GPU_LSTM_BYTES_PER_UNIT = 150;

/** Estimated GPU bytes a WebGPU step holds per padded token slot at its peak (the fused kernel plan). */
export function gpuActivationBytesPerSlot(config: RunConfig, tagCounts: readonly number[]): number {
  return keptUnitDirections(config, tagCounts.length) * GPU_LSTM_BYTES_PER_UNIT;
}

/**
 * Bytes per padded token slot of the step's largest single tensor: the gate gradients of the shared
 * encoders' BPTT, `[C·2P, T, 2B, 4h]` floats for P pairs, both member tasks (2B rows) and C channels
 * (2 with the gradient-cut twin), or of the individual encoders' (`[2N, T, B, 4h]` per iteration of
 * N tasks), or a CRF's `[B, T, L, L]`-sized score tables, whichever is largest.
 */
export function largestBufferBytesPerSlot(config: RunConfig, tagCounts: readonly number[]): number {
  const { model, train } = config;
  const taskCount = tagCounts.length;
  const gateGradients = (streams: number, rowsPerSentence: number, hidden: number) => streams * rowsPerSentence * 4 * hidden * 4;
  let largest = gateGradients(2 * taskCount, 1, model.individual.hidden);
  if (model.architecture === 'mtaa' && taskCount > 1) {
    const pairs = (taskCount * (taskCount - 1)) / 2;
    const channels = model.adversary !== 'none' && train.reversalReach === 'sharedEncoder' ? 2 : 1;
    largest = Math.max(largest, gateGradients(channels * 2 * pairs, 2, model.shared.hidden));
  }
  for (const k of tagCounts) largest = Math.max(largest, k * k * 4);
  return largest;
}

/**
 * The most padded slots a WebGPU training step takes at once: as many as keep its largest tensor
 * within the device's buffer limits and its estimated peak within the step's total (see above).
 * WASM and CPU keep `stepSlotBudget`.
 */
export function webgpuStepSlotBudget(config: RunConfig, tagCounts: readonly number[], limits: GpuBufferLimits, totalBytes = WEBGPU_STEP_MEMORY_BYTES): number {
  const largestBuffer = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  const total = Math.min(totalBytes, WEBGPU_BUFFERS_PER_STEP * limits.maxBufferSize);
  const byBuffer = Math.floor(largestBuffer / largestBufferBytesPerSlot(config, tagCounts));
  const byTotal = Math.floor(total / gpuActivationBytesPerSlot(config, tagCounts));
  return Math.max(1, Math.min(byBuffer, byTotal));
}
