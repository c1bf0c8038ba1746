import * as tf from '@tensorflow/tfjs';
import { affine } from './dense.ts';
import { glorotVariable } from './initializers.ts';
import { toFloat } from './toFloat.ts';

/** A task's linear emission layer: ē^t `[B, T, D]` → scores `[B, T, L]` for its CRF. */
export interface EmissionParams {
  kernel: tf.Variable;
  bias: tf.Variable;
  variables: Record<string, tf.Variable>;
}

export function createEmissionParams(task: string, inputDim: number, numTags: number, seed: number): EmissionParams {
  const kernel = glorotVariable(`emit.${task}.kernel`, inputDim, numTags, seed);
  const bias = tf.variable(tf.zeros([numTags]), true);
  return { kernel, bias, variables: { [`emit.${task}.kernel`]: kernel, [`emit.${task}.bias`]: bias } };
}

/** @param x `[B, T, D]` @returns `[B, T, L]` */
export function emissions(params: EmissionParams, x: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, d] = x.shape;
    const flat = affine(tf.reshape(x, [b * t, d]), params.kernel as tf.Tensor2D, params.bias as tf.Tensor1D);
    return tf.reshape(flat, [b, t, params.kernel.shape[1] as number]) as tf.Tensor3D;
  });
}

/**
 * Token-level softmax cross-entropy, averaged over labelled sentences like the CRF loss (sum over a
 * sentence's tokens, mean over sentences), so the iterative tagger's intermediate losses weigh like
 * its final CRF loss.
 *
 * @param logits `[B, T, L]` @param tags `[B, T]` int32 @param mask `[B, T]` 1 at labelled tokens
 */
export function maskedSoftmaxCrossEntropy(logits: tf.Tensor3D, tags: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const numTags = logits.shape[2];
    const logProbs = tf.logSoftmax(logits);
    const gold = toFloat(tf.oneHot(tags, numTags));
    const perToken = tf.neg(tf.sum(tf.mul(logProbs, gold), 2));
    const perSentence = tf.sum(tf.mul(perToken, mask), 1);
    const sentences = tf.sum(toFloat(tf.greater(tf.sum(mask, 1), 0)));
    return tf.div(tf.sum(perSentence), tf.maximum(sentences, 1)) as tf.Scalar;
  });
}
