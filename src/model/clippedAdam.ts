/**
 * Adam with global-norm gradient clipping on tfjs ops: tf.train.adam on the clipped gradients, the
 * `perVariable` optimizer plan of `kernelPlan.ts` (~15 kernels per variable and step). The reference
 * that `webgpu/fusedAdam.ts` equals, and the optimizer of GPU backends without fused programs.
 */
import * as tf from '@tensorflow/tfjs';
import { addAll } from './addAll.ts';

/** What the trainer asks of an optimizer: clip by global norm, step, and a learning rate it sets per step. */
export interface ClippingOptimizer {
  learningRate: number;
  /**
   * Clips `grads` (variable name → gradient; a missing one counts as zero) by their global norm
   * (`clipNorm` ≤ 0: no clipping) and takes one Adam step. The gradients stay the caller's.
   */
  applyGradients(grads: Readonly<Record<string, tf.Tensor | undefined>>, clipNorm: number): void;
  dispose(): void;
}

export class ClippedAdam implements ClippingOptimizer {
  private readonly adam: tf.AdamOptimizer;

  constructor(
    private readonly variables: readonly tf.Variable[],
    learningRate: number,
  ) {
    this.adam = tf.train.adam(learningRate);
  }

  // tf.train.adam's learningRate is protected but read at every step.
  get learningRate(): number {
    return (this.adam as unknown as { learningRate: number }).learningRate;
  }

  set learningRate(value: number) {
    (this.adam as unknown as { learningRate: number }).learningRate = value;
  }

  applyGradients(grads: Readonly<Record<string, tf.Tensor | undefined>>, clipNorm: number): void {
    tf.tidy(() => {
      const list = Object.values(grads).filter((g): g is tf.Tensor => g !== undefined);
      const norm = list.length > 0 ? tf.sqrt(addAll(list.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0);
      // Global-norm clipping without a readback: scale = min(1, clip / norm).
      const scale = clipNorm > 0 ? tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-12))) : tf.scalar(1);
      // Every variable, in one fixed order, even one this batch did not reach (e.g. CRF transitions
      // in a batch of one-token sentences): Adam keys its moments by position in this map.
      const clipped: tf.NamedTensorMap = {};
      for (const v of this.variables) {
        const g = grads[v.name];
        clipped[v.name] = g ? tf.mul(g, scale) : tf.zerosLike(v);
      }
      this.adam.applyGradients(clipped as tf.NamedTensorMap as Parameters<tf.AdamOptimizer["applyGradients"]>[0]);
    });
  }

  dispose(): void {
    this.adam.dispose();
  }
}
