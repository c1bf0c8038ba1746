import * as tf from '@tensorflow/tfjs';

/**
 * A bool or int32 tensor as float32 values in float32 storage, on every backend.
 *
 * Why not `tf.cast(x, 'float32')` alone: tfjs-backend-webgpu casts to a wider type by relabelling,
 * so the result keeps its int32 buffer under a float32 label. Element-wise kernels convert on read,
 * but kernels that copy the buffer raw do not: a Transpose of such a tensor (a reduction over a
 * middle axis, e.g. `tf.sum(ties, 1)` in the character CNN's max gradient) fails to compile, and
 * its output is left as garbage without an exception. Multiplying by one writes real floats.
 */
export function toFloat(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32') return tf.clone(x);
  return tf.tidy(() => tf.mul(tf.cast(x, 'float32'), tf.scalar(1)));
}
