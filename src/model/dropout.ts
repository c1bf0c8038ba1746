import * as tf from '@tensorflow/tfjs';
import { defaultKernelPlan, type DropoutStrategy } from './kernelPlan.ts';
import { fusedDropout } from './webgpu/dropoutProgram.ts';

/**
 * Inverted dropout by the plan's strategy (`DropoutStrategy`; default the active backend's): the same
 * mask and values either way for the same seed. Call it only while training, with 0 ≤ rate < 1.
 *
 * @param x float32, any shape
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number, strategy: DropoutStrategy = defaultKernelPlan().dropout ?? 'ops'): T {
  if (strategy === 'fused' && rate > 0) return fusedDropout(x, rate, seed);
  return tf.dropout(x, rate, undefined, seed) as T;
}
