/**
 * Fusion of a task's representations (paper §III-C eq. 7–8, ablations §IV-E; DESIGN.md §2).
 *
 * For task t the representations are e^t = [h^t, s^t_α for α ∋ t] — a list of R tensors [B,T,D]
 * (R = 1 + number of pairs containing t), h^t first. All R must have the SAME width D: the paper's
 * setting (kh = ks = 256, so 2·kh = 2·ks = 512) and a requirement of eq. 8, which adds the e_j up with
 * scalar weights and uses one key matrix for all of them. Unequal widths are rejected with an error;
 * configure equal encoder sizes (or project before calling).
 *
 * Variants (ē [B,T,Dout], β [B,T,R] | null):
 *   attention  per token i: q = h_i W_q, k_j = e_{j,i} W_k  (W_q, W_k: [D, A], A = 256 default, no biases),
 *              β_j = softmax_j(q·k_j / √A), ē_i = Σ_j β_j e_{j,i}.        Dout = D, β = the attention weights.
 *   average    ē = (1/R) Σ_j e_j.                                          Dout = D, β = uniform 1/R.
 *   concat     ē = [e_1; …; e_R] along the feature axis.                    Dout = R·D, β = null (no weights).
 *   twoStep    §IV-E, read as: step 1, for each α ∋ t, a two-element attention with query h over {h, s_α}
 *              (its own W_q, W_k per α) gives the middle result m_α = w_α,h·h + w_α,s·s_α; step 2, one more
 *              attention with query h over {m_α} (its own W_q, W_k) gives ē = Σ_α γ_α m_α. Since every step is
 *              a convex combination, ē = Σ_j β_j e_j with the effective weights
 *              β_h = Σ_α γ_α w_α,h, β_{s_α} = γ_α w_α,s, which is what β returns (sums to 1, like attention).
 *                                                                           Dout = D.
 * Padded tokens get ordinary values (no masking needed: downstream layers mask them).
 *
 * Parameters (keys of `FusionParams.variables`; `<task>` the task, `<name>` the pair name of s_α):
 *   attention: fusion.<task>.wq [D,A], fusion.<task>.wk [D,A]                           (Glorot uniform)
 *   twoStep:   fusion.<task>.step1.<name>.wq / .wk [D,A] per α, fusion.<task>.step2.wq / .wk [D,A]
 *   average, concat: none.
 */
import * as tf from '@tensorflow/tfjs';
import { unstack } from './unstack.ts';
import { addAll } from './addAll.ts';
import { affine } from './dense.ts';
import { glorotVariable } from './initializers.ts';

export type FusionVariant = 'attention' | 'average' | 'concat' | 'twoStep';

export interface AttentionWeights {
  /** [D, A] */
  wq: tf.Variable;
  /** [D, A] */
  wk: tf.Variable;
}

export interface FusionOptions {
  variant: FusionVariant;
  /** Width D of every representation. */
  dim: number;
  /** Names of the shared representations in call order (the pairs α ∋ t); R = 1 + names.length. */
  sharedNames: readonly string[];
  /** Attention width A (default 256). */
  attnDim?: number;
  seed: number;
}

export interface FusionParams {
  task: string;
  variant: FusionVariant;
  dim: number;
  attnDim: number;
  sharedNames: readonly string[];
  /** attention variant */
  attention?: AttentionWeights;
  /** twoStep variant: one per shared representation, in sharedNames order */
  step1?: AttentionWeights[];
  /** twoStep variant */
  step2?: AttentionWeights;
  /** name → variable, names as documented above. */
  variables: Record<string, tf.Variable>;
}

export interface FusionOutput {
  /** ē [B,T,Dout] */
  fused: tf.Tensor3D;
  /** β [B,T,R] (attention, twoStep: attention weights; average: uniform), null for concat. */
  beta: tf.Tensor3D | null;
}

/** Width of ē for a variant: concat gives R·D, the others D. */
export function fusionOutputDim(variant: FusionVariant, dim: number, numReps: number): number {
  return variant === 'concat' ? dim * numReps : dim;
}

/** Creates the fusion variables of one task. */
export function createFusionParams(task: string, opts: FusionOptions): FusionParams {
  const attnDim = opts.attnDim ?? 256;
  const variables: Record<string, tf.Variable> = {};
  const pair = (prefix: string): AttentionWeights => {
    const wq = glorotVariable(`${prefix}.wq`, opts.dim, attnDim, opts.seed);
    const wk = glorotVariable(`${prefix}.wk`, opts.dim, attnDim, opts.seed);
    variables[`${prefix}.wq`] = wq;
    variables[`${prefix}.wk`] = wk;
    return { wq, wk };
  };
  if (new Set(opts.sharedNames).size !== opts.sharedNames.length) {
    throw new Error(`fusion for task "${task}": duplicate shared names ${opts.sharedNames.join(', ')}`);
  }
  const params: FusionParams = {
    task,
    variant: opts.variant,
    dim: opts.dim,
    attnDim,
    sharedNames: [...opts.sharedNames],
    variables,
  };
  if (opts.variant === 'attention') params.attention = pair(`fusion.${task}`);
  if (opts.variant === 'twoStep') {
    params.step1 = opts.sharedNames.map((name) => pair(`fusion.${task}.step1.${name}`));
    params.step2 = pair(`fusion.${task}.step2`);
  }
  return params;
}

/**
 * Scaled dot-product attention over a list of values, per row.
 * query [N,D], values R × [N,D] → out [N,D], weights [N,R].
 */
export function attendRows(
  query: tf.Tensor2D,
  values: readonly tf.Tensor2D[],
  w: { wq: tf.Tensor; wk: tf.Tensor },
): { out: tf.Tensor2D; weights: tf.Tensor2D } {
  return tf.tidy(() => {
    const [n, d] = query.shape;
    const r = values.length;
    const a = w.wq.shape[1] as number;
    const q = affine(query, w.wq as tf.Tensor2D); // [N,A]
    const stacked = tf.stack(values as tf.Tensor2D[], 1); // [N,R,D]
    const keys = tf.reshape(affine(tf.reshape(stacked, [n * r, d]) as tf.Tensor2D, w.wk as tf.Tensor2D), [n, r, a]); // 2-D matMul
    const scores = tf.mul(tf.sum(tf.mul(keys, tf.reshape(q, [n, 1, a])), 2), 1 / Math.sqrt(a)); // [N,R]
    const weights = tf.softmax(scores) as tf.Tensor2D; // over R
    const out = tf.sum(tf.mul(stacked, tf.reshape(weights, [n, r, 1])), 1) as tf.Tensor2D; // [N,D]
    return { out, weights };
  });
}

/**
 * Fuses e^t = reps (h^t first, then s^t_α in `sharedNames` order), each [B,T,D] → ē, β.
 */
export function fuse(params: FusionParams, reps: readonly tf.Tensor[]): FusionOutput {
  const r = reps.length;
  if (r !== 1 + params.sharedNames.length) {
    throw new Error(`fusion for task "${params.task}": expected ${1 + params.sharedNames.length} representations, got ${r}`);
  }
  const [b, t, d] = reps[0].shape as [number, number, number];
  reps.forEach((x, j) => {
    if (x.rank !== 3 || x.shape[0] !== b || x.shape[1] !== t || x.shape[2] !== d) {
      throw new Error(
        `fusion for task "${params.task}": representation ${j} has shape [${x.shape.join(',')}], expected [${b},${t},${d}] ` +
          '(individual and shared encoder outputs must have equal widths)',
      );
    }
  });
  if (d !== params.dim) throw new Error(`fusion for task "${params.task}": width ${d}, parameters built for ${params.dim}`);
  // tf.tidy cannot return null, so the scope returns [ē] or [ē, β]
  const [fused, beta] = tf.tidy((): tf.Tensor3D[] => {
    const n = b * t;
    const flat = reps.map((x) => tf.reshape(x, [n, d]) as tf.Tensor2D);
    switch (params.variant) {
      case 'average': {
        const fused = tf.reshape(tf.div(addAll(flat), r), [b, t, d]) as tf.Tensor3D;
        return [fused, tf.fill([b, t, r], 1 / r) as tf.Tensor3D];
      }
      case 'concat':
        return [(r === 1 ? tf.clone(reps[0]) : tf.concat(reps as tf.Tensor[], 2)) as tf.Tensor3D];
      case 'attention': {
        const { out, weights } = attendRows(flat[0], flat, params.attention as AttentionWeights);
        return [tf.reshape(out, [b, t, d]) as tf.Tensor3D, tf.reshape(weights, [b, t, r]) as tf.Tensor3D];
      }
      case 'twoStep': {
        if (r === 1) return [tf.clone(reps[0]) as tf.Tensor3D, tf.ones([b, t, 1]) as tf.Tensor3D];
        const step1 = params.step1 as AttentionWeights[];
        const middles = flat.slice(1).map((s, k) => attendRows(flat[0], [flat[0], s], step1[k]));
        const second = attendRows(
          flat[0],
          middles.map((m) => m.out),
          params.step2 as AttentionWeights,
        ); // γ: [N, R−1]
        const gammas = unstack(second.weights, 1); // (R−1) × [N]
        const w1 = middles.map((m) => unstack(m.weights, 1)); // (R−1) × [w_h [N], w_s [N]]
        const betaH = addAll(gammas.map((g, k) => tf.mul(g, w1[k][0])));
        const betaS = gammas.map((g, k) => tf.mul(g, w1[k][1]));
        const beta = tf.reshape(tf.stack([betaH, ...betaS], 1), [b, t, r]) as tf.Tensor3D;
        return [tf.reshape(second.out, [b, t, d]) as tf.Tensor3D, beta];
      }
    }
  });
  return { fused, beta: beta ?? null };
}
