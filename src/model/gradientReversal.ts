/**
 * Gradient-reversal layer (Ganin & Lempitsky 2015), as used between the shared encoders and the task
 * discriminators (DESIGN.md §2, "adversarial loss"):
 *
 *   forward:  y = x                      (any shape, same shape out)
 *   backward: ∂L/∂x = −scale · ∂L/∂y
 *
 * `scale` is a plain number captured when the op is built, so a λ ramp (domain-adversarial training)
 * is simply a different number on each step. `scale = 0` stops the gradient entirely.
 */
import * as tf from '@tensorflow/tfjs';

/** Identity forward; gradient multiplied by −scale backward. x: any shape → same shape. */
export function gradientReversal<T extends tf.Tensor>(x: T, scale: number): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([]);
    return {
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.scalar(-scale, dy.dtype)),
    };
  });
  return op(x) as T;
}

/** Identity forward; zero gradient backward (gradientReversal with scale 0, named for readability). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([]);
    return { value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(x) as T;
}
