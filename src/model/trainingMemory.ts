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

/** Estimated bytes the backward pass keeps per padded token slot; `tagCounts`: each task's tag-set size. */
export function activationBytesPerSlot(config: RunConfig, tagCounts: readonly number[]): number {
  const { model, train } = config;
  const taskCount = tagCounts.length;
  const stream = (hidden: number, layers: number) => 2 * layers * hidden * LSTM_BYTES_PER_UNIT;
  const passes = model.architecture === 'iterative' ? model.iterative.iterations : 1;
  let bytes = taskCount * passes * stream(model.individual.hidden, model.individual.layers);
  if (model.architecture === 'mtaa' && taskCount > 1) {
    const pairs = (taskCount * (taskCount - 1)) / 2;
    const cut = model.adversary !== 'none' && train.reversalReach === 'sharedEncoder';
    bytes += pairs * (cut ? 4 : 2) * stream(model.shared.hidden, model.shared.layers);
  }
  for (const k of tagCounts) bytes += k * k * CRF_BYTES_PER_TAG_PAIR;
  return bytes;
}

/** The most padded slots a training step takes at once (a slice holds at least one sentence anyway). */
export function stepSlotBudget(config: RunConfig, tagCounts: readonly number[], memoryBytes = DEFAULT_STEP_MEMORY_BYTES): number {
  return Math.max(1, Math.floor(memoryBytes / activationBytesPerSlot(config, tagCounts)));
}
