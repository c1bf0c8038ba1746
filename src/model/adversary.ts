/**
 * Task discriminators and the adversarial loss (paper §III-B, eq. 5–6; DESIGN.md §2).
 *
 * One discriminator D_α per task pair α (generally: per task group; a pair has 2 member tasks):
 *
 *   s^t_α [B,T,D]  --mean over real tokens (mask)-->  [B,D]  --gradient reversal(scale)-->
 *   dense0 (D→H, ReLU) … dense_{n−2} (H→H, ReLU)  -->  dense_{n−1} (H→|α|)  -->  logits [B,|α|]
 *
 * "2-layer MLP" (paper Table II: discriminator hidden size & layers 256 & 2) is read as two dense layers:
 * one hidden layer of H=256 with ReLU and the output layer; `layers` counts all dense layers (≥ 1).
 *
 *   L_adv = Σ_α Σ_{t∈α} mean_b CE(D_α(s^t_α[b]), index of t in α)
 *
 * The discriminator minimises L_adv; the encoders upstream receive −reversalScale times its gradient
 * (gradient-reversal layer between s^t_α and D_α; because mean pooling is linear the reversal is applied
 * to the pooled [B,D] tensor, which gives the same gradient w.r.t. s as reversing s itself and is cheaper).
 * λ1 is applied by the caller (λ1·L_adv in the objective); with reversalScale = 1 the encoders get −λ1·∂L_adv.
 *
 * Parameters (keys of `AdversaryParams.variables`; `<pair>` is the pair's name, e.g. "ner+pos"):
 *   disc.<pair>.dense<i>.kernel  [in_i, out_i]   Glorot uniform (seeded per name)
 *   disc.<pair>.dense<i>.bias    [out_i]          zeros
 * with in_0 = D, out_i = H for i < n−1, out_{n−1} = |α|.
 */
import * as tf from '@tensorflow/tfjs';
import { affine } from './dense.ts';
import { addAll } from './addAll.ts';
import { glorotVariable } from './initializers.ts';
import { gradientReversal } from './gradientReversal.ts';
import { toFloat } from './toFloat.ts';

export interface DenseLayer {
  /** [in, out] */
  kernel: tf.Variable;
  /** [out] */
  bias: tf.Variable;
}

export interface Discriminator {
  pair: string;
  /** Number of classes = number of member tasks of the pair (2 for a pair). */
  classes: number;
  layers: DenseLayer[];
}

export interface AdversaryParams {
  discriminators: Record<string, Discriminator>;
  /** name → variable, names as documented above. */
  variables: Record<string, tf.Variable>;
}

export interface AdversaryOptions {
  /** Width of the input representation s^t_α (2·ks). */
  inputDim: number;
  /** Hidden width H (default 256). */
  hidden?: number;
  /** Number of dense layers including the output layer (default 2). */
  layers?: number;
  /** Member tasks per pair (default 2). */
  classes?: number;
  seed: number;
}

/** Creates one discriminator per pair name. */
export function createAdversaryParams(pairs: readonly string[], opts: AdversaryOptions): AdversaryParams {
  const hidden = opts.hidden ?? 256;
  const nLayers = opts.layers ?? 2;
  const classes = opts.classes ?? 2;
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new Error(`discriminator layers must be ≥ 1, got ${nLayers}`);
  const discriminators: Record<string, Discriminator> = {};
  const variables: Record<string, tf.Variable> = {};
  for (const pair of pairs) {
    if (discriminators[pair]) throw new Error(`duplicate pair name "${pair}"`);
    const layers: DenseLayer[] = [];
    for (let i = 0; i < nLayers; i++) {
      const fanIn = i === 0 ? opts.inputDim : hidden;
      const fanOut = i === nLayers - 1 ? classes : hidden;
      const prefix = `disc.${pair}.dense${i}`;
      const kernel = glorotVariable(`${prefix}.kernel`, fanIn, fanOut, opts.seed);
      const bias = tf.variable(tf.zeros([fanOut]), true);
      variables[`${prefix}.kernel`] = kernel;
      variables[`${prefix}.bias`] = bias;
      layers.push({ kernel, bias });
    }
    discriminators[pair] = { pair, classes, layers };
  }
  return { discriminators, variables };
}

/**
 * Mean over the real tokens: x [B,T,D], mask [B,T] float → [B,D]. All-padding rows give 0.
 */
export function maskedMeanPool(x: tf.Tensor, mask: tf.Tensor): tf.Tensor2D {
  const [b, t] = x.shape;
  return tf.tidy(() => {
    const m = tf.reshape(mask, [b, t, 1]);
    const sum = tf.sum(tf.mul(x, m), 1); // [B,D]
    const count = tf.maximum(tf.sum(m, 1), 1); // [B,1]
    return tf.div(sum, count) as tf.Tensor2D;
  });
}

/** The MLP on pooled features: pooled [B,D] → logits [B,classes]. */
export function discriminatorMlp(d: Discriminator, pooled: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    let h: tf.Tensor = pooled;
    d.layers.forEach((layer, i) => {
      h = affine(h as tf.Tensor2D, layer.kernel as tf.Tensor2D, layer.bias as tf.Tensor1D);
      if (i < d.layers.length - 1) h = tf.relu(h);
    });
    return h as tf.Tensor2D;
  });
}

/**
 * D_α logits for one shared representation: s [B,T,D], mask [B,T] → [B,classes].
 * `reversalScale` (optional) inserts the gradient-reversal layer between s and the MLP.
 */
export function discriminatorLogits(
  d: Discriminator,
  s: tf.Tensor,
  mask: tf.Tensor,
  reversalScale?: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    let pooled: tf.Tensor = maskedMeanPool(s, mask);
    if (reversalScale !== undefined) pooled = gradientReversal(pooled, reversalScale);
    return discriminatorMlp(d, pooled);
  });
}

/** The shared representations of one pair, in the pair's member order (index in this list = class label). */
export interface AdversaryInput {
  pair: string;
  /** s^t_α for each member task t of α, each [B,T,D]. */
  shared: tf.Tensor[];
}

export interface AdversaryOutput {
  /** L_adv: Σ over pairs and member tasks of the batch-mean cross-entropy (scalar). */
  loss: tf.Scalar;
  /** Per pair: its share of L_adv and the discriminator accuracy over its member tasks and the batch. */
  perPair: Record<string, { loss: tf.Scalar; accuracy: tf.Scalar }>;
}

/**
 * Adversarial loss over all pairs. mask [B,T] float (the same sentences for every task).
 * `reversalScale`: undefined = no reversal (plain discriminator loss); a number = gradient reversal
 * with that scale between each s^t_α and D_α. Accuracy is computed without gradients.
 */
export function adversarialLoss(
  params: AdversaryParams,
  inputs: readonly AdversaryInput[],
  mask: tf.Tensor,
  reversalScale?: number,
): AdversaryOutput {
  return tf.tidy(() => {
    const perPair: Record<string, { loss: tf.Scalar; accuracy: tf.Scalar }> = {};
    const losses: tf.Tensor[] = [];
    for (const input of inputs) {
      const d = params.discriminators[input.pair];
      if (!d) throw new Error(`no discriminator for pair "${input.pair}"`);
      if (input.shared.length !== d.classes) {
        throw new Error(`pair "${input.pair}": expected ${d.classes} shared representations, got ${input.shared.length}`);
      }
      const b = input.shared[0].shape[0];
      // All member tasks through one MLP call: pooled [k·B, D]
      const pooledParts = input.shared.map((s) => maskedMeanPool(s, mask));
      let pooled: tf.Tensor = pooledParts.length === 1 ? pooledParts[0] : tf.concat(pooledParts, 0);
      if (reversalScale !== undefined) pooled = gradientReversal(pooled, reversalScale);
      const logits = discriminatorMlp(d, pooled); // [k·B, classes]
      const labels = tf.tensor1d(
        input.shared.flatMap((_, k) => new Array<number>(b).fill(k)),
        'int32',
      );
      const logp = tf.logSoftmax(logits); // [k·B, classes]
      const onehot = toFloat(tf.oneHot(labels, d.classes)); // int32 → float32 (wasm oneHot float bug)
      // Σ_t mean_b CE = (Σ over all k·B rows of CE) / B
      const loss = tf.div(tf.neg(tf.sum(tf.mul(logp, onehot))), b) as tf.Scalar;
      const accuracy = tf.mean(toFloat(tf.equal(tf.argMax(logits, 1), labels))) as tf.Scalar;
      perPair[input.pair] = { loss, accuracy };
      losses.push(loss);
    }
    const loss = (losses.length === 0 ? tf.scalar(0) : addAll(losses)) as tf.Scalar;
    return { loss, perPair };
  });
}
