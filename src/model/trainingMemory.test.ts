import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.ts';
import { activationBytesPerSlot, stepSlotBudget } from './trainingMemory.ts';

describe('stepSlotBudget', () => {
  it('counts the streams the backward pass keeps: paper = 15 BiLSTM streams of 2 layers × 256 units', () => {
    const paper = resolveConfig('paper');
    const perStream = 2 * 2 * 12 * 256 * 4;
    expect(activationBytesPerSlot(paper, 3)).toBe((3 + 3 * 4) * perStream);
    // Without the gradient-cut copies, or without discriminators, the shared encoders run twice.
    expect(activationBytesPerSlot(resolveConfig('paper', { train: { reversalReach: 'full' } }), 3)).toBe((3 + 3 * 2) * perStream);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { adversary: 'none' } }), 3)).toBe((3 + 3 * 2) * perStream);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { architecture: 'base' } }), 3)).toBe(3 * perStream);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { architecture: 'iterative' } }), 3)).toBe(3 * 2 * perStream);
  });

  it('slices the paper preset’s long batches (64 × 52 tokens aborted WASM) but never a small-preset batch of CoNLL-2003', () => {
    const paperSlots = stepSlotBudget(resolveConfig('paper'), 3);
    expect(paperSlots).toBeLessThan(64 * 52);
    expect(paperSlots).toBeGreaterThanOrEqual(64 * 20);
    // eng.train's longest sentence has 113 tokens.
    expect(stepSlotBudget(resolveConfig('small'), 3)).toBeGreaterThanOrEqual(64 * 113);
    expect(stepSlotBudget(resolveConfig('paper'), 3, 1)).toBe(1);
  });
});
