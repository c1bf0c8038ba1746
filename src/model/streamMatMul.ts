import * as tf from '@tensorflow/tfjs';
import { unstackAlong, type KernelPlan } from './kernelPlan.ts';

/**
 * A right-hand operand `[N, K, P]` prepared once for repeated products inside a loop: whole for the
 * batched strategy, pre-transposed and pre-split per stream for the per-stream one (so each step pays
 * N plain 2-D matmuls and nothing else for the weight).
 */
export type StreamOperand =
  | { readonly kind: 'whole'; readonly value: tf.Tensor3D; readonly transposed: boolean }
  | { readonly kind: 'parts'; readonly parts: readonly tf.Tensor2D[] };

/** Prepares `b` (`[N, K, P]`, or `[N, P, K]` to be used transposed) for `streamProduct`. */
export function prepareStreamOperand(b: tf.Tensor3D, plan: KernelPlan, transpose = false): StreamOperand {
  if (plan.matMul === 'batched') return { kind: 'whole', value: b, transposed: transpose };
  const upright = transpose ? tf.transpose(b, [0, 2, 1]) : b;
  return { kind: 'parts', parts: unstackAlong(upright, 0, plan.copies) as tf.Tensor2D[] };
}

/**
 * Per-stream product `out[n] = op(a[n])·b[n]`, NOT differentiable in every plan: for use inside
 * `tf.customGrad` functions (the recurrence). `transposeA` is folded into the batched kernel, or done
 * as one explicit transpose for the per-stream one.
 *
 * @param a `[N, M, K]` (`[N, K, M]` with `transposeA`)
 * @returns `[N, M, P]`
 */
export function streamProduct(a: tf.Tensor3D, b: StreamOperand, plan: KernelPlan, transposeA = false): tf.Tensor3D {
  if (b.kind === 'whole') return tf.matMul(a, b.value, transposeA, b.transposed);
  const upright = transposeA ? tf.transpose(a, [0, 2, 1]) : a;
  const aParts = unstackAlong(upright, 0, plan.copies) as tf.Tensor2D[];
  if (aParts.length !== b.parts.length) throw new Error(`streamProduct: ${aParts.length} vs ${b.parts.length} streams`);
  return tf.stack(aParts.map((ai, n) => tf.matMul(ai, b.parts[n]))) as tf.Tensor3D;
}

/**
 * Differentiable per-stream affine map `a[n]·b[n] + bias[n]`. Batched: `tf.matMul` + add, and their
 * autodiff. Per stream: fused 2-D products (the bias rides in the matmul) and a custom gradient with
 * explicit transposes (`da = dy·bᵀ`, `db = aᵀ·dy`, `dbias = 1ᵀ·dy`), because the transposed-operand
 * products autodiff would use are ~13× slower on WASM, and so is its broadcast add / axis-1 sum.
 *
 * @param a `[N, M, K]`
 * @param b `[N, K, P]`
 * @param bias `[N, P]`
 * @returns `[N, M, P]`
 */
export function streamAffine(a: tf.Tensor3D, b: tf.Tensor3D, bias: tf.Tensor2D, plan: KernelPlan): tf.Tensor3D {
  const n = a.shape[0];
  const p = b.shape[2];
  if (plan.matMul === 'batched') return tf.add(tf.matMul(a, b), bias.reshape([n, 1, p]));
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [aIn, bIn, biasIn, save] = args;
    if (!(aIn instanceof tf.Tensor) || !(bIn instanceof tf.Tensor) || !(biasIn instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('streamAffine: bad customGrad call');
    }
    save([aIn, bIn]);
    const aParts = unstackAlong(aIn, 0, plan.copies) as tf.Tensor2D[];
    const bParts = unstackAlong(bIn, 0, plan.copies) as tf.Tensor2D[];
    // WASM's fused matmul checks the rank of the bias's storage, which for a sliced row is still 2;
    // a clone gets storage of its own, rank 1. (Host copies are fresh tensors already.)
    const biasParts = unstackAlong(biasIn, 0, plan.copies).map((t) => (plan.copies === 'kernel' ? tf.clone(t) : t)) as tf.Tensor1D[];
    return {
      value: tf.stack(aParts.map((ai, k) => tf.fused.matMul({ a: ai, b: bParts[k], bias: biasParts[k] }))) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => affineGradients(dy as tf.Tensor3D, saved as tf.Tensor3D[], plan),
    };
  });
  return op(a, b, bias) as tf.Tensor3D;
}

/**
 * The gradient channel of `streamAffine` without its forward: returns `value` (what
 * `streamAffine(a, b, bias)` already gave for the same operands) and back-propagates as that product
 * would (`da = dy·bᵀ`, `db = aᵀ·dy`, `dbias = 1ᵀ·dy`). For a second copy of a layer whose gradient must
 * take another path (the shared encoders' gradient-cut twin, `biLstmTwin`) at no forward cost.
 *
 * @param a `[N, M, K]`, equal in value to the operand that gave `value`
 * @param value `[N, M, P]` = a·b + bias
 */
export function streamAffineTwin(a: tf.Tensor3D, b: tf.Tensor3D, bias: tf.Tensor2D, value: tf.Tensor3D, plan: KernelPlan): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [aIn, bIn, biasIn, save] = args;
    if (!(aIn instanceof tf.Tensor) || !(bIn instanceof tf.Tensor) || !(biasIn instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('streamAffineTwin: bad customGrad call');
    }
    save([aIn, bIn]);
    return {
      value: tf.clone(value),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => affineGradients(dy as tf.Tensor3D, saved as tf.Tensor3D[], plan),
    };
  });
  return op(a, b, bias) as tf.Tensor3D;
}

/** `[da, db, dbias]` of `a·b + bias` per stream, with explicit transposes (see `streamAffine`). */
function affineGradients(dy: tf.Tensor3D, [a, b]: tf.Tensor3D[], plan: KernelPlan): tf.Tensor[] {
  return tf.tidy(() => {
    const [n, m] = a!.shape;
    const p = b!.shape[2];
    const dyParts = prepareStreamOperand(dy, plan);
    return [
      streamProduct(dy, prepareStreamOperand(b!, plan, true), plan),
      streamProduct(a!, dyParts, plan, true),
      streamProduct(tf.ones([n, 1, m]) as tf.Tensor3D, dyParts, plan).reshape([n, p]),
    ];
  });
}
