import * as tf from '@tensorflow/tfjs';

/**
 * `tf.unstack` that also differentiates when the axis has size 1: tfjs 4.22 hands a single-output
 * op's gradient a bare tensor instead of a one-element list, and Unpack's gradient (`stack(dy)`)
 * then throws "Argument tensors passed to stack must be a `Tensor[]`". Squeezing has a sound
 * gradient, so size-1 axes take that path.
 */
export function unstack(x: tf.Tensor, axis = 0): tf.Tensor[] {
  const size = x.shape[axis < 0 ? x.rank + axis : axis];
  return size === 1 ? [tf.squeeze(x, [axis])] : tf.unstack(x, axis);
}
