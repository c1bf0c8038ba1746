/**
 * The BERT part of the embedding (issue 17): frozen word features [B, T, m·H] (m = 1 layer, or the
 * last four) → [B·T, H]. With m > 1 a learned scalar mix as in ELMo / Peters et al.:
 * γ · Σ_j softmax(s)_j · h_j, with s (m weights, zeros → the mean) and γ (one, starting at 1)
 * trained with the tagger. The features themselves are never trained (computed once per dataset).
 *
 * Variables: `embed.bert.mix [m]`, `embed.bert.gamma [1]` (only when m > 1).
 */
import * as tf from '@tensorflow/tfjs';

export interface BertMixOptions {
  /** 'replace': the dense layer reads the features alone; 'concat': beside [word; char]. */
  mode: 'replace' | 'concat';
  hiddenSize: number;
  /** Layers stacked in each feature row (1, or 4 for the mix of the last four). */
  layers: number;
}

export interface BertMixParams extends BertMixOptions {
  mix: tf.Variable | null;
  gamma: tf.Variable | null;
  variables: Record<string, tf.Variable>;
}

export function createBertMix(opts: BertMixOptions): BertMixParams {
  if (!Number.isInteger(opts.hiddenSize) || opts.hiddenSize < 1) throw new Error(`bert mix: hiddenSize must be a positive integer, got ${opts.hiddenSize}`);
  if (!Number.isInteger(opts.layers) || opts.layers < 1) throw new Error(`bert mix: layers must be a positive integer, got ${opts.layers}`);
  if (opts.layers === 1) return { ...opts, mix: null, gamma: null, variables: {} };
  const mix = tf.variable(tf.zeros([opts.layers]), true);
  const gamma = tf.variable(tf.ones([1]), true);
  return { ...opts, mix, gamma, variables: { 'embed.bert.mix': mix, 'embed.bert.gamma': gamma } };
}

/** features [B, T, m·H] → [B·T, H] (the one layer, or the scalar mix). */
export function mixBertFeatures(params: BertMixParams, features: tf.Tensor3D): tf.Tensor2D {
  const [b, t, width] = features.shape;
  const { hiddenSize: h, layers: m } = params;
  if (width !== m * h) throw new Error(`bert mix: features are ${width} wide, expected ${m} × ${h}`);
  return tf.tidy(() => {
    if (!params.mix || !params.gamma) return tf.reshape(features, [b * t, h]) as tf.Tensor2D;
    const weights = tf.reshape(tf.mul(tf.softmax(params.mix), params.gamma), [1, m, 1]);
    return tf.sum(tf.mul(tf.reshape(features, [b * t, m, h]), weights), 1) as tf.Tensor2D;
  });
}
