import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../core/config.ts';
import {
  activationBytesPerSlot,
  gpuActivationBytesPerSlot,
  largestBufferBytesPerSlot,
  stepSlotBudget,
  webgpuStepSlotBudget,
  WEBGPU_STEP_MEMORY_BYTES,
  type GpuBufferLimits,
} from './trainingMemory.ts';

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

describe('webgpuStepSlotBudget', () => {
  const GiB = 2 ** 30;
  /** Headless Chromium's SwiftShader adapter (read from its GPUSupportedLimits). */
  const swiftShader: GpuBufferLimits = { maxBufferSize: GiB, maxStorageBufferBindingSize: GiB };
  /** WebGPU's guaranteed minimum: what a device that asks for nothing more gets. */
  const minimum: GpuBufferLimits = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 };
  /** A desktop GPU's (e.g. Chrome on D3D12/Vulkan: 2 GiB buffers, 2 GiB − 4 binding). */
  const desktop: GpuBufferLimits = { maxBufferSize: 2 * GiB, maxStorageBufferBindingSize: 2 * GiB - 4 };

  it('takes a paper step of 64 sentences of up to 40 tokens in one pass, where WASM cuts it in 2 to 5', () => {
    const paper = resolveConfig('paper');
    for (const limits of [swiftShader, desktop]) {
      const budget = webgpuStepSlotBudget(paper, conll2003, limits);
      expect(budget).toBeGreaterThanOrEqual(64 * 40);
      // The largest tensor of such a step fits the device's binding limit.
      expect(64 * 40 * largestBufferBytesPerSlot(paper, conll2003)).toBeLessThanOrEqual(limits.maxStorageBufferBindingSize);
    }
    const wasm = stepSlotBudget(paper, conll2003);
    expect(Math.ceil((64 * 10) / wasm)).toBe(2);
    expect(Math.ceil((64 * 40) / wasm)).toBe(5);
  });

  it('keeps the estimated peak within the total and every tensor within the binding limit', () => {
    for (const preset of ['paper', 'small', 'tiny'] as const) {
      const config = resolveConfig(preset);
      for (const limits of [swiftShader, minimum, desktop]) {
        const budget = webgpuStepSlotBudget(config, conll2003, limits);
        expect(budget * gpuActivationBytesPerSlot(config, conll2003)).toBeLessThanOrEqual(Math.min(WEBGPU_STEP_MEMORY_BYTES, 8 * limits.maxBufferSize));
        expect(budget * largestBufferBytesPerSlot(config, conll2003)).toBeLessThanOrEqual(limits.maxStorageBufferBindingSize);
      }
    }
  });

  it('cuts where a device caps its buffers low: WebGPU minimum limits slice a long paper batch', () => {
    const paper = resolveConfig('paper');
    // The shared encoders' BPTT gate gradients: 2 channels × 3 pairs × 2 directions × 2 member rows × 4·256 floats.
    expect(largestBufferBytesPerSlot(paper, conll2003)).toBe(2 * 3 * 2 * 2 * 4 * 256 * 4);
    const byBinding = Math.floor(minimum.maxStorageBufferBindingSize / largestBufferBytesPerSlot(paper, conll2003));
    // ... and its total: 8 of its 256 MiB buffers.
    const byTotal = Math.floor((8 * minimum.maxBufferSize) / gpuActivationBytesPerSlot(paper, conll2003));
    const budget = webgpuStepSlotBudget(paper, conll2003, minimum);
    expect(budget).toBe(Math.min(byBinding, byTotal));
    expect(budget).toBeLessThan(64 * 40);
    // Without the gradient-cut twin the largest tensor halves, and so does the cut.
    const full = resolveConfig('paper', { train: { reversalReach: 'full' } });
    expect(largestBufferBytesPerSlot(full, conll2003)).toBe(largestBufferBytesPerSlot(paper, conll2003) / 2);
  });

  it('follows a smaller total and never goes below one slot', () => {
    const paper = resolveConfig('paper');
    const perSlot = gpuActivationBytesPerSlot(paper, conll2003);
    expect(webgpuStepSlotBudget(paper, conll2003, swiftShader, 1000 * perSlot)).toBe(1000);
    expect(webgpuStepSlotBudget(paper, conll2003, swiftShader, 1)).toBe(1);
    expect(webgpuStepSlotBudget(paper, conll2003, { maxBufferSize: 4, maxStorageBufferBindingSize: 4 })).toBe(1);
    // The GPU estimate is below WASM's heap estimate (no heap fragmentation, no per-step copies).
    expect(perSlot).toBeLessThan(activationBytesPerSlot(paper, conll2003));
  });
});
