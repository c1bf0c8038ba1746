/**
 * How many padded token slots (rows × timesteps) one training step may hold, so that a batch of long
 * sentences is trained in slices (gradient accumulation) instead of exhausting the backend's memory.
 *
 * The backward pass keeps every LSTM's gate activations for all timesteps: about a dozen floats per
 * unit, direction and layer for each slot of each stream it runs over. The `paper` preset runs 15
 * such streams (3 individual encoders; 3 shared encoders over both member tasks and, when the reversal
 * stops at the shared encoder, their gradient-cut copies): ~0.7 MB a slot, so a batch of 64 sentences
 * of 52 tokens wants ~2.5 GB, beyond WASM's heap (XNNPACK aborts with "out of memory"). Pure
 * TypeScript: the trainer turns the estimate into a slot budget per step.
 */
import type { RunConfig } from './config.ts';

/** Floats kept per hidden unit, direction, layer and slot for BPTT (gates, cell, tanh, projections). */
const FLOATS_PER_UNIT = 12;

/** What one training step may spend on kept activations: half of WASM's practical 2 GB heap. */
export const DEFAULT_STEP_MEMORY_BYTES = 1 << 30;

/** Estimated bytes the backward pass keeps per padded token slot of a batch. */
export function activationBytesPerSlot(config: RunConfig, taskCount: number): number {
  const { model, train } = config;
  const lstm = (hidden: number, layers: number) => 2 * layers * FLOATS_PER_UNIT * hidden * 4;
  const passes = model.architecture === 'iterative' ? model.iterative.iterations : 1;
  let bytes = taskCount * passes * lstm(model.individual.hidden, model.individual.layers);
  if (model.architecture === 'mtaa' && taskCount > 1) {
    const pairs = (taskCount * (taskCount - 1)) / 2;
    const cut = model.adversary !== 'none' && train.reversalReach === 'sharedEncoder';
    bytes += pairs * (cut ? 4 : 2) * lstm(model.shared.hidden, model.shared.layers);
  }
  return bytes;
}

/** The most padded slots a training step takes at once (at least one sentence's worth is always taken). */
export function stepSlotBudget(config: RunConfig, taskCount: number, memoryBytes = DEFAULT_STEP_MEMORY_BYTES): number {
  return Math.max(1, Math.floor(memoryBytes / activationBytesPerSlot(config, taskCount)));
}
