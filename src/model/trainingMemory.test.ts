import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../core/config.ts';
import { activationBytesPerSlot, stepSlotBudget } from './trainingMemory.ts';

/** CoNLL-2003's tag sets: POS, chunk (IOB1 as read), NER. */
const conll2003 = [45, 17, 8];
const crf = (45 * 45 + 17 * 17 + 8 * 8) * 144;

describe('stepSlotBudget', () => {
  it('counts the streams the backward pass keeps: paper = 15 BiLSTM streams of 2 layers × 256 units, plus the CRFs', () => {
    const perStream = 2 * 2 * 256 * 224;
    expect(activationBytesPerSlot(resolveConfig('paper'), conll2003)).toBe((3 + 3 * 4) * perStream + crf);
    // Without the gradient-cut copies, or without discriminators, the shared encoders run twice.
    expect(activationBytesPerSlot(resolveConfig('paper', { train: { reversalReach: 'full' } }), conll2003)).toBe((3 + 3 * 2) * perStream + crf);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { adversary: 'none' } }), conll2003)).toBe((3 + 3 * 2) * perStream + crf);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { architecture: 'base' } }), conll2003)).toBe(3 * perStream + crf);
    expect(activationBytesPerSlot(resolveConfig('paper', { model: { architecture: 'iterative' } }), conll2003)).toBe(3 * 2 * perStream + crf);
  });

  it('stays within the measured WASM heap: slices below what aborted, most batches whole', () => {
    // Measured aborts (4 GiB heap): paper 38 × 35 tokens, small 64 × 113; measured fits: paper 16 × 30, small 32 × 113.
    const paper = stepSlotBudget(resolveConfig('paper'), conll2003);
    expect(paper).toBeLessThan(38 * 35);
    expect(paper).toBeGreaterThanOrEqual(16 * 30);
    const small = stepSlotBudget(resolveConfig('small'), conll2003);
    expect(small).toBeLessThan(64 * 113);
    // a median CoNLL-2003 batch (64 sentences padded to ~15 tokens) is never cut
    expect(small).toBeGreaterThanOrEqual(64 * 40);
    expect(stepSlotBudget(resolveConfig('paper'), conll2003, 1)).toBe(1);
  });
});
