/**
 * Gradients of the training loss on one batch (or slice of one): the computation a Trainer and its
 * gradient peers (other threads holding a replica of the weights) share, so a step computed in
 * parts adds up to the step computed whole.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchTensors } from '../model/batchTensors.ts';
import { forward } from '../model/tagger.ts';
import { addAll } from '../model/addAll.ts';
import type { TaggerParams } from '../model/taggerParams.ts';
import type { GradientStep } from './parallel/wire.ts';

export interface LossGradients {
  /** Variable name → gradient (variables the loss did not reach are absent). */
  grads: tf.NamedTensorMap;
  /** `[total, task…, adv, orth]` on the device. */
  parts: tf.Tensor1D;
}

/**
 * `weights` (`[task…, adv, orth]`) scale a slice's parts to its share of the whole batch's means;
 * null for a whole batch. Slice `slice` > 0 draws its own dropout masks.
 */
export function lossGradients(
  params: TaggerParams,
  variables: tf.Variable[],
  batch: BatchTensors,
  step: GradientStep,
  weights: readonly number[] | null,
  slice: number,
): LossGradients {
  const seed = step.seed * 1_000_003 + step.step;
  let parts: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = forward(params, batch, {
      training: true,
      seed: slice === 0 ? seed : (seed + slice * 0x9e3779b1) >>> 0,
      // The discriminators learn at full weight λ1; the encoders' reversed share follows the ramp.
      reversalScale: step.lambdaAdversarial > 0 ? step.rampedLambda / step.lambdaAdversarial : 0,
      reversalReach: step.reversalReach,
      orthogonalityMode: step.orthogonalityMode,
      lossesNeeded: true,
    });
    const n = out.taskLosses.length;
    const scaled = (x: tf.Scalar, k: number): tf.Scalar => (weights ? tf.mul(x, weights[k]!) : x);
    const taskLosses = out.taskLosses.map((loss, t) => scaled(loss, t));
    const adversarial = scaled(out.adversarial, n);
    const orthogonality = scaled(out.orthogonality, n + 1);
    const taskSum = addAll(taskLosses);
    const total = tf.addN([taskSum, tf.mul(adversarial, step.lambdaAdversarial), tf.mul(orthogonality, step.lambdaOrthogonality)]) as tf.Scalar;
    parts = tf.keep(tf.stack([total, ...taskLosses, adversarial, orthogonality]) as tf.Tensor1D);
    return total;
  }, variables);
  value.dispose();
  return { grads, parts: parts as unknown as tf.Tensor1D };
}

/** Adds `more` into `sum` (both consumed; the result replaces `sum`'s entries). */
export function addLossGradients(sum: LossGradients | null, more: LossGradients): LossGradients {
  if (!sum) return more;
  for (const [name, g] of Object.entries(more.grads)) {
    const before = sum.grads[name];
    sum.grads[name] = before ? tf.add(before, g) : g;
    if (before) tf.dispose([before, g]);
  }
  const parts = tf.add(sum.parts, more.parts) as tf.Tensor1D;
  tf.dispose([sum.parts, more.parts]);
  return { grads: sum.grads, parts };
}
