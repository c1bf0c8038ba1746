/**
 * Global-norm clipping and Adam on WebGPU in ⌈V/6⌉ + ⌈V/5⌉ + V dispatches for V variables (the
 * `fused` optimizer plan of `kernelPlan.ts`; programs in `adamPrograms.ts`) instead of ~15 kernels
 * per variable: for the 61 variables of the `small` preset, 85 dispatches instead of ~1,000.
 *
 * Same update as `ClippedAdam` (tf.train.adam on clipped gradients): the moments start at zero, and
 * β1ᵗ, β2ᵗ start at β1, β2 and advance by a float32 multiplication after each step, as tf.train.adam
 * keeps them in float32 scalar variables (`Math.fround` reproduces those products exactly), so
 * c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ are the very float32 values tfjs computes. The moments of up to 5
 * variables live packed in one tensor `[m… | v…]`; each step makes new tensors and frees the old
 * (the variables are assigned their new values), so no tensor is ever written in place.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClippingOptimizer } from '../clippedAdam.ts';
import { runProgramKernel } from './programKernel.ts';
import { ADAM_PARAM, MOMENT_GROUP, NORM_GRADIENTS, adamMomentsKernel, registerAdamKernels, squaredNormKernel } from './adamPrograms.ts';

interface MomentGroup {
  variables: tf.Variable[];
  offsets: number[];
  sizes: number[];
  total: number;
  /** [2·total]: first moments of the group's variables, then second moments. */
  moments: tf.Tensor1D;
}

export class FusedAdam implements ClippingOptimizer {
  learningRate: number;
  private readonly groups: MomentGroup[];
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    variables: readonly tf.Variable[],
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    /** Default: the backend's epsilon, as tf.train.adam (1e-7 on webgpu). */
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    registerAdamKernels();
    this.learningRate = learningRate;
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
    this.groups = [];
    for (let i = 0; i < variables.length; i += MOMENT_GROUP) {
      const group = variables.slice(i, i + MOMENT_GROUP);
      const sizes = group.map((v) => v.size);
      const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
      const total = sizes.reduce((a, b) => a + b, 0);
      this.groups.push({ variables: group, sizes, offsets, total, moments: tf.keep(tf.zeros([2 * total])) });
    }
  }

  applyGradients(grads: Readonly<Record<string, tf.Tensor | undefined>>, clipNorm: number): void {
    const f = Math.fround;
    const uniform = {
      moments: [clipNorm, this.beta1, this.beta2, f(1 - this.beta1), f(1 - this.beta2)],
      param: [this.learningRate, f(1 - this.accBeta1), f(1 - this.accBeta2), this.epsilon],
    };
    tf.tidy(() => {
      const flat = (x: tf.Tensor) => tf.reshape(x, [x.size]);
      const sumSquares = this.sumOfSquares(grads, flat);
      for (const group of this.groups) {
        const present = group.variables.map((v) => grads[v.name] !== undefined);
        const inputs: Record<string, tf.Tensor> = { mv: group.moments, ss: sumSquares };
        group.variables.forEach((v, k) => {
          const g = grads[v.name];
          if (g) {
            if (g.size !== v.size) throw new Error(`FusedAdam: gradient of ${v.name} has ${g.size} values, the variable ${v.size}`);
            inputs[`g${k}`] = flat(g);
          }
        });
        const moments = runProgramKernel(adamMomentsKernel(present), inputs, { sizes: group.sizes, uniform: uniform.moments }) as tf.Tensor1D;
        group.variables.forEach((v, k) => {
          const value = runProgramKernel(ADAM_PARAM, { p: flat(v), mv: moments }, {
            offset: group.offsets[k]!,
            groupTotal: group.total,
            uniform: uniform.param,
          });
          v.assign(tf.reshape(value, v.shape));
        });
        group.moments.dispose();
        group.moments = tf.keep(moments);
      }
    });
    // tfjs: accBeta.assign(mul(accBeta, beta)), both float32.
    this.accBeta1 = f(this.accBeta1 * f(this.beta1));
    this.accBeta2 = f(this.accBeta2 * f(this.beta2));
  }

  /** Σ g² over the gradients present, by a chain of `MtaaSquaredNorm` dispatches → [1]. */
  private sumOfSquares(grads: Readonly<Record<string, tf.Tensor | undefined>>, flat: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
    const list = this.groups.flatMap((g) => g.variables).flatMap((v) => {
      const g = grads[v.name];
      return g ? [flat(g)] : [];
    });
    let sum: tf.Tensor | null = null;
    for (let i = 0; i < list.length; i += NORM_GRADIENTS) {
      const chunk = list.slice(i, i + NORM_GRADIENTS);
      const inputs: Record<string, tf.Tensor> = sum ? { p: sum } : {};
      chunk.forEach((g, k) => (inputs[`g${k}`] = g));
      sum = runProgramKernel(squaredNormKernel(chunk.length, sum !== null), inputs);
    }
    return sum ?? tf.zeros([1]);
  }

  dispose(): void {
    tf.dispose(this.groups.map((g) => g.moments));
  }
}
