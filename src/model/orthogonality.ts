/**
 * Orthogonality constraint between individual and shared representations (paper §III-C, eq. 9;
 * DESIGN.md §2):
 *
 *   L_o = mean_b Σ_t ‖ Σ_{α∋t} (I^t_b)ᵀ S^t_{α,b} ‖²_F
 *
 * I^t_b [n_b, Dh] holds the individual-encoder outputs of sentence b's real tokens (rows), S^t_{α,b}
 * [n_b, Ds] the shared-encoder outputs for the same tokens (before dropout — the caller's job).
 * Since I^t is the same for every α, Σ_α (I^t)ᵀ S^t_α = (I^t)ᵀ (Σ_α S^t_α): one product per task.
 *
 * Padding: rows of I at padded tokens are zeroed with the mask, which removes them from the product
 * (and gives S zero gradient there), so the batch is computed at once with padded [B,T,·] tensors.
 *
 * Modes (DESIGN.md §2: the raw term reaches 10^3–10^7 and dominates the loss, so this is a config choice):
 *   'raw'        the paper's squared Frobenius norm as written;
 *   'perToken'   each sentence's term divided by its real-token count n_b;
 *   'normalized' every row (token vector) of I^t and of each S^t_α is L2-normalised first (Liu et al. 2017);
 *                each term is then bounded by n_b²·|{α∋t}|² (no division by n_b — that is 'perToken').
 *
 * Two equal formulas, picked by cost (`algorithm: 'auto'`, or forced for tests):
 *   'direct'  ‖IᵀS‖²_F from M = IᵀS, a batched matMul → [B,Dh,Ds]           (B·T·Dh·Ds mult-adds)
 *   'gram'    ‖IᵀS‖²_F = Σ_ij (IIᵀ)_ij (SSᵀ)_ij, two batched matMuls → [B,T,T]  (B·T²·(Dh+Ds))
 * 'auto' takes 'gram' when T·(Dh+Ds) ≤ Dh·Ds (always, for sentence lengths below ~256 with 512-wide
 * encoders), which is also far smaller in memory ([B,T,T] instead of [B,Dh,Ds]).
 */
import * as tf from '@tensorflow/tfjs';

export type OrthogonalityMode = 'raw' | 'perToken' | 'normalized';

export interface OrthogonalityTask {
  /** I^t as a padded batch: [B,T,Dh]. */
  individual: tf.Tensor;
  /** S^t_α for each pair α ∋ t: each [B,T,Ds] (same Ds for all α of the task). */
  shared: tf.Tensor[];
}

export interface OrthogonalityOptions {
  mode: OrthogonalityMode;
  algorithm?: 'auto' | 'gram' | 'direct';
}

const NORM_EPS = 1e-6;

/** Rows scaled to unit L2 norm: x [B,T,D] → [B,T,D] (zero rows stay ~0). */
function l2NormalizeRows(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), NORM_EPS)));
}

/**
 * Per-sentence L_o summed over tasks: mask [B,T] float → [B] (mode applied per sentence).
 */
export function orthogonalityPerSentence(
  tasks: readonly OrthogonalityTask[],
  mask: tf.Tensor,
  opts: OrthogonalityOptions,
): tf.Tensor1D {
  const [b, t] = mask.shape as [number, number];
  return tf.tidy(() => {
    const m3 = tf.reshape(mask, [b, t, 1]);
    let total: tf.Tensor = tf.zeros([b]);
    for (const task of tasks) {
      if (task.shared.length === 0) continue;
      const dh = task.individual.shape[2] as number;
      const ds = task.shared[0].shape[2] as number;
      const norm = opts.mode === 'normalized' ? l2NormalizeRows : (x: tf.Tensor) => x;
      const iMat = tf.mul(norm(task.individual), m3); // [B,T,Dh], padded rows zero
      const parts = task.shared.map(norm);
      const sMat = parts.length === 1 ? parts[0] : tf.addN(parts); // [B,T,Ds]
      const algorithm = opts.algorithm ?? 'auto';
      const gram = algorithm === 'gram' || (algorithm === 'auto' && t * (dh + ds) <= dh * ds);
      let perSentence: tf.Tensor;
      if (gram) {
        const gI = tf.matMul(iMat, iMat, false, true); // [B,T,T]
        const gS = tf.matMul(sMat, sMat, false, true); // [B,T,T]
        perSentence = tf.sum(tf.mul(gI, gS), [1, 2]);
      } else {
        const prod = tf.matMul(iMat, sMat, true, false); // [B,Dh,Ds]
        perSentence = tf.sum(tf.square(prod), [1, 2]);
      }
      total = tf.add(total, perSentence);
    }
    if (opts.mode === 'perToken') total = tf.div(total, tf.maximum(tf.sum(mask, 1), 1));
    return total as tf.Tensor1D;
  });
}

/** L_o: the per-sentence values averaged over the batch (scalar). */
export function orthogonalityLoss(
  tasks: readonly OrthogonalityTask[],
  mask: tf.Tensor,
  opts: OrthogonalityOptions,
): tf.Scalar {
  return tf.tidy(() => tf.mean(orthogonalityPerSentence(tasks, mask, opts)) as tf.Scalar);
}
