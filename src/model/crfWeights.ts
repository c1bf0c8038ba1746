/**
 * The tensors the CRF functions read, in a room of their own so that the plain CRF (crf.ts) and
 * its fused WebGPU programs (webgpu/crfFused.ts) both import them without importing each other.
 */
import type * as tf from '@tensorflow/tfjs';

/** Plain tensors (tests) or the variables of CrfParams. */
export interface CrfWeights {
  /** [L, L] */
  transitions: tf.Tensor;
  /** [L] */
  start: tf.Tensor;
  /** [L] */
  end: tf.Tensor;
}
