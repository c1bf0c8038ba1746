import * as tf from '@tensorflow/tfjs';
import { defaultKernelPlan, type MatMulStrategy } from './kernelPlan.ts';

/**
 * The 2-D products of the model outside the LSTMs (task dense layers, char CNN, fusion attention,
 * emissions, discriminators), written so that their BACKWARD pass is fast on every backend.
 *
 * Autodiff of `tf.matMul(a, b)` computes `da = dy·bᵀ` and `db = aᵀ·dy` as products with a transposed
 * operand. On WASM (XNNPACK, Node, 1 thread) those are ~10× slower than the same product after an
 * explicit transpose: measured for the `small` preset's fusion keys, `[2112,128]ᵀ·[2112,64]` took
 * 27 ms against 2.6 ms for the forward `[2112,128]·[128,64]`, and the transposed products were a
 * quarter of a whole training step. The same goes for the bias gradient, a sum over axis 0 (WASM
 * transposes the input to reduce a non-last axis), which here is the product `1ᵀ·dy` instead.
 *
 * With the `perStream` strategy (wasm, cpu: see `kernelPlan.ts`) these functions use a custom
 * gradient with explicit transposes; with `batched` (GPU backends, where transposes fold into the
 * kernel for free) they are plain `tf.matMul` + `tf.add` and their autodiff. Values and gradients are
 * the same up to float rounding either way (`dense.test.ts`).
 */

function strategy(override?: MatMulStrategy): MatMulStrategy {
  return override ?? defaultKernelPlan().matMul;
}

/**
 * `a·w (+ bias)` with a fast gradient.
 *
 * @param a `[M, K]`
 * @param w `[K, N]`
 * @param bias `[N]` or omitted
 * @param matMul dispatch strategy; default: the active backend's (`defaultKernelPlan`)
 * @returns `[M, N]`
 */
export function affine(a: tf.Tensor2D, w: tf.Tensor2D, bias?: tf.Tensor1D, matMul?: MatMulStrategy): tf.Tensor2D {
  if (a.rank !== 2 || w.rank !== 2 || a.shape[1] !== w.shape[0]) {
    throw new Error(`affine: cannot multiply [${a.shape}] by [${w.shape}]`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[1])) throw new Error(`affine: bias [${bias.shape}] for [${w.shape}]`);
  if (strategy(matMul) === 'batched') {
    return tf.tidy(() => (bias ? tf.add(tf.matMul(a, w), bias) : tf.matMul(a, w)) as tf.Tensor2D);
  }
  const m = a.shape[0];
  const withBias = (...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [aIn, wIn, biasIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([aIn, wIn]);
    return {
      // The fused kernel adds the bias inside the product (no broadcast add kernel).
      value: tf.fused.matMul({ a: aIn, b: wIn, bias: biasIn }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [aS, wS] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [...productGrads(dy as tf.Tensor2D, aS, wS), tf.matMul(tf.ones([1, m]), dy as tf.Tensor2D).reshape([-1])];
      },
    };
  };
  const plain = (...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [aIn, wIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([aIn, wIn]);
    return {
      value: tf.matMul(aIn, wIn),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => productGrads(dy as tf.Tensor2D, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D),
    };
  };
  return (bias ? tf.customGrad(withBias)(a, w, bias) : tf.customGrad(plain)(a, w)) as tf.Tensor2D;
}

/** `[dy·wᵀ, aᵀ·dy]` with the transposes done explicitly (see the module comment). */
function productGrads(dy: tf.Tensor2D, a: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(a), dy)];
}

/**
 * `affine` over the last axis of a tensor of any rank ≥ 2: `x [..., K]·w [K, N] (+ bias [N])` → `[..., N]`.
 */
export function affineLastAxis(x: tf.Tensor, w: tf.Tensor2D, bias?: tf.Tensor1D, matMul?: MatMulStrategy): tf.Tensor {
  return tf.tidy(() => {
    const k = x.shape[x.rank - 1]!;
    const rows = tf.reshape(x, [-1, k]) as tf.Tensor2D;
    return tf.reshape(affine(rows, w, bias, matMul), [...x.shape.slice(0, -1), w.shape[1]]);
  });
}
