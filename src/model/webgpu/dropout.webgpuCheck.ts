/**
 * The fused WebGPU dropout (`dropoutProgram.ts`) against `tf.dropout`: the output and the gradient of
 * Σ dy·dropout(x) with a random upstream gradient, on cpu (the plain ops) and on webgpu (fused), for
 * the same seeds, rates 0.3 and 0.5 and shapes of the model's (`[B, T, 2h]`, a 4-D stack of layers).
 * The mask comes from the same noise, so the values agree to float rounding. Also counts the
 * dispatches of both on WebGPU.
 */
import * as tf from '@tensorflow/tfjs';
import { dropout } from '../dropout.ts';
import type { DropoutStrategy } from '../kernelPlan.ts';
import { countDispatches } from './checkDispatches.ts';
import { compareOutputs, onBackend, seededValues, type KernelCheck, type KernelCheckOutcome } from './kernelCheck.ts';

interface Case {
  shape: number[];
  rate: number;
  seed: number;
}

const CASES: readonly Case[] = [
  { shape: [4, 7, 18], rate: 0.3, seed: 11 },
  { shape: [3, 2, 5, 64], rate: 0.5, seed: 12 },
  { shape: [1, 1, 3], rate: 0.5, seed: 13 },
];

function outputs(c: Case, strategy: DropoutStrategy): Record<string, tf.Tensor> {
  const size = c.shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(seededValues(size, c.seed, 2), c.shape);
  const dy = tf.tensor(seededValues(size, c.seed + 100, 1.5), c.shape);
  const [dx] = tf.grads((input: tf.Tensor) => tf.sum(tf.mul(dropout(input, c.rate, c.seed, strategy), dy)))([x]);
  return { y: dropout(x, c.rate, c.seed, strategy), dx: dx! };
}

const equivalence: KernelCheck = {
  name: 'dropout: output and gradient, fused (webgpu) vs tf.dropout (cpu)',
  async run() {
    const outcomes: KernelCheckOutcome[] = [];
    const details: string[] = [];
    for (const c of CASES) {
      const expected = await onBackend('cpu', () => outputs(c, 'ops'));
      const ops = await countDispatches(() => onBackend('webgpu', () => outputs(c, 'ops')));
      const fused = await countDispatches(() => onBackend('webgpu', () => outputs(c, 'fused')));
      const outcome = compareOutputs(fused.value, expected, 1e-4);
      // Dropped entries must be dropped in both: a mask that differed would show as errors of 100%.
      outcomes.push(outcome);
      details.push(`[${c.shape}] rate ${c.rate}: ${outcome.detail}; dispatches (forward twice + gradient) tf.dropout ${ops.dispatches} → fused ${fused.dispatches}`);
    }
    const worst = outcomes.reduce((a, o) => (o.maxRelError > a || Number.isNaN(o.maxRelError) ? o.maxRelError : a), 0);
    return { maxRelError: worst, tolerance: 1e-4, detail: details.join('; ') };
  },
};

export const checks: KernelCheck[] = [equivalence];
