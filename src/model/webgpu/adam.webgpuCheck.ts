/**
 * The fused clipped Adam (`fusedAdam.ts`, webgpu) against `ClippedAdam` (tf.train.adam on clipped
 * gradients, wasm): the variables after several steps with clipping active, inactive and switched
 * off, a variable without a gradient in one step, and shapes that fill more than one moment group and
 * norm chain link. Also counts the dispatches of one step of both optimizers on WebGPU for 61
 * variables (the `small` preset has 61).
 */
import * as tf from '@tensorflow/tfjs';
import { ClippedAdam, type ClippingOptimizer } from '../clippedAdam.ts';
import { startCountingDispatches } from './checkDispatches.ts';
import { FusedAdam } from './fusedAdam.ts';
import { compareOutputs, onBackend, seededValues, type KernelCheck } from './kernelCheck.ts';

const SHAPES: readonly number[][] = [[3, 4], [5], [2, 3, 2], [7], [1], [6, 2], [4], [3, 3]];

/** clip norm per step: active (small), inactive (large), off (0); gradients of the last shape are missing at step 3. */
const STEPS = [0.5, 0.5, 1e6, 0.3, 0, 0.5];
const MISSING_AT = 3;

let run = 0;

/**
 * Runs `steps` on fresh variables with `make`'s optimizer; returns the variables' final values.
 * With `counted`, counts the dispatches of the last step into `counted.dispatches` (the first step
 * of tf.train.adam also creates its moments).
 */
function train(
  shapes: readonly number[][],
  make: (vars: tf.Variable[]) => ClippingOptimizer,
  steps = STEPS,
  missingAt = MISSING_AT,
  counted?: { dispatches: number },
): Record<string, tf.Tensor> {
  const tag = `adamCheck${run++}`;
  const vars = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.variable(tf.tensor(seededValues(size, 100 + i), shape), true, `${tag}.v${i}`);
  });
  const optimizer = make(vars);
  try {
    steps.forEach((clip, step) => {
      optimizer.learningRate = 0.05 / (1 + step);
      const grads: Record<string, tf.Tensor | undefined> = {};
      vars.forEach((v, i) => {
        if (step === missingAt && i === vars.length - 1) return;
        grads[v.name] = tf.tensor(seededValues(v.size, 1000 * step + i, 0.8 + i * 0.3), v.shape);
      });
      const counter = counted && step === steps.length - 1 ? startCountingDispatches() : null;
      optimizer.applyGradients(grads, clip);
      if (counter && counted) counted.dispatches = counter.stop();
      tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g !== undefined));
    });
    return Object.fromEntries(vars.map((v, i) => [`v${i}`, v.clone()]));
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
  }
}

const equivalence: KernelCheck = {
  name: 'adam: fused clipped Adam (webgpu) vs tf.train.adam on clipped gradients (wasm), 6 steps',
  async run() {
    const expected = await onBackend('wasm', () => train(SHAPES, (vars) => new ClippedAdam(vars, 0.05)));
    const actual = await onBackend('webgpu', () => train(SHAPES, (vars) => new FusedAdam(vars, 0.05)));
    const outcome = compareOutputs(actual, expected, 1e-4);
    // Equal values prove nothing if neither optimizer moved them: the steps must have changed them.
    let moved = 0;
    SHAPES.forEach((shape, i) => {
      const start = seededValues(shape.reduce((a, b) => a * b, 1), 100 + i);
      start.forEach((x, k) => (moved = Math.max(moved, Math.abs(expected[`v${i}`]![k]! - x))));
    });
    return moved > 0.01 ? { ...outcome, detail: `${outcome.detail}; largest move ${moved.toFixed(3)}` } : { ...outcome, maxRelError: Infinity, detail: `the variables did not move (${moved})` };
  },
};

const dispatches: KernelCheck = {
  name: 'adam: dispatches of one clipped step for 61 variables, perVariable vs fused on webgpu',
  async run() {
    const shapes = Array.from({ length: 61 }, (_, i) => [1 + (i % 7), 1 + (i % 5)]);
    const plain = { dispatches: 0 };
    const fused = { dispatches: 0 };
    const expected = await onBackend('webgpu', () => train(shapes, (vars) => new ClippedAdam(vars, 0.05), [0.5, 0.5], -1, plain));
    const actual = await onBackend('webgpu', () => train(shapes, (vars) => new FusedAdam(vars, 0.05), [0.5, 0.5], -1, fused));
    const outcome = compareOutputs(actual, expected, 1e-4);
    return { ...outcome, detail: `dispatches per step: perVariable ${plain.dispatches} → fused ${fused.dispatches}; max rel ${outcome.maxRelError.toExponential(2)}` };
  },
};

export const checks: KernelCheck[] = [equivalence, dispatches];
