import * as tf from '@tensorflow/tfjs';

/**
 * How N independent matrix products ("streams": stacks × directions of a BiLSTM) are dispatched.
 *
 * - `batched`: one BatchMatMul over `[N, M, K]·[N, K, P]`. On WebGPU/WebGL that is a single dispatch,
 *   and dispatches, not FLOPs, are what a recurrent loop pays for on a GPU.
 * - `perStream`: N separate 2-D matmuls (plus one unstack and one stack). Measured on the WASM
 *   backend, the batched kernel is ~12× slower than the same work split into 2-D matmuls
 *   (N=6, [64×256]·[256×1024]: 96 ms batched vs 8 ms as six 2-D products); the CPU backend behaves
 *   the same way.
 */
export type MatMulStrategy = 'batched' | 'perStream';

/** The strategy that is fastest on `backend` (default: the active tfjs backend). */
export function defaultMatMulStrategy(backend: string = tf.getBackend()): MatMulStrategy {
  return backend === 'wasm' || backend === 'cpu' ? 'perStream' : 'batched';
}

/**
 * A right-hand operand `[N, K, P]` in the form the strategy consumes. Inside a time loop the same
 * weight is multiplied at every step; splitting it once up front keeps the per-step work at N
 * matmuls instead of N matmuls plus an unstack of the weight.
 */
export type StreamOperand = tf.Tensor3D | readonly tf.Tensor2D[];

/** Prepares a constant right-hand operand `[N, K, P]` for repeated `streamMatMul` calls. */
export function prepareStreamOperand(b: tf.Tensor3D, strategy: MatMulStrategy): StreamOperand {
  return strategy === 'batched' ? b : unstack3D(b);
}

export interface StreamMatMulOptions {
  readonly strategy: MatMulStrategy;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * Per-stream product `out[n] = op(a[n]) · op(b[n])`, dispatched by `strategy`.
 *
 * @param a `[N, M, K]` (or `[N, K, M]` with `transposeA`)
 * @param b `[N, K, P]` (or `[N, P, K]` with `transposeB`), or its `prepareStreamOperand` form
 * @returns `[N, M, P]`
 */
export function streamMatMul(a: tf.Tensor3D, b: StreamOperand, opts: StreamMatMulOptions): tf.Tensor3D {
  const transposeA = opts.transposeA ?? false;
  const transposeB = opts.transposeB ?? false;
  if (opts.strategy === 'batched') {
    const whole = b instanceof tf.Tensor ? b : (tf.stack([...b]) as tf.Tensor3D);
    return tf.matMul(a, whole, transposeA, transposeB);
  }
  const bParts = b instanceof tf.Tensor ? unstack3D(b) : b;
  const aParts = unstack3D(a);
  if (aParts.length !== bParts.length) {
    throw new Error(`streamMatMul: ${aParts.length} left streams vs ${bParts.length} right streams`);
  }
  const products = aParts.map((ai, n) => tf.matMul(ai, bParts[n], transposeA, transposeB));
  return tf.stack(products) as tf.Tensor3D;
}

function unstack3D(t: tf.Tensor3D): tf.Tensor2D[] {
  return tf.unstack(t) as tf.Tensor2D[];
}
