import * as tf from '@tensorflow/tfjs';
import { isHostMemoryBackend } from '../model/hostMemory.ts';
import type { ClippingOptimizer } from '../model/clippedAdam.ts';

/**
 * Adam with global-norm gradient clipping, run on the host in one pass over flat typed arrays, for
 * backends whose tensors live in host memory (wasm, cpu).
 *
 * Why: `tf.train.adam` plus clipping costs ~15 tfjs kernels per variable and step (moments, bias
 * correction, sqrt, division, assign; square and sum for the norm): ~1,000 kernels for the 61
 * variables of the `small` preset, most of them on tiny tensors where the per-kernel overhead is the
 * whole cost. Here each variable costs one read of its gradient and value and one upload of the new
 * value: no kernel at all. On a GPU backend the readbacks would stall the queue: use tf.train.adam.
 *
 * Same update as tf.train.adam (tfjs-core 4.22, `AdamOptimizer.applyGradients`), with β1ᵗ and β2ᵗ
 * starting at β1, β2 and advancing after each step:
 *   g ← g · min(1, clip / max(‖g‖_global, 1e−12))          (clip ≤ 0: no clipping)
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * computed in float64 and stored in float32, so results agree with tfjs's float32 kernels to float
 * rounding (`hostAdam.test.ts`). Moments are plain Float32Arrays, not tensors: nothing to dispose
 * on the tfjs side.
 */
export class HostAdam implements ClippingOptimizer {
  learningRate: number;
  private readonly variables: readonly tf.Variable[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    variables: readonly tf.Variable[],
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    /** Default: the backend's epsilon, as tf.train.adam (1e-7 on wasm and cpu). */
    private readonly epsilon = tf.backend().epsilon(),
  ) {
    this.variables = variables;
    this.learningRate = learningRate;
    this.m = variables.map((x) => new Float32Array(x.size));
    this.v = variables.map((x) => new Float32Array(x.size));
    this.accBeta1 = beta1;
    this.accBeta2 = beta2;
  }

  /**
   * Clips `grads` (variable name → gradient; a missing one counts as zero) by their global norm and
   * applies one Adam step to every variable. The gradients are not disposed (the caller owns them).
   */
  applyGradients(grads: Readonly<Record<string, tf.Tensor | undefined>>, clipNorm: number): void {
    const values = this.variables.map((x) => {
      const g = grads[x.name];
      if (g && g.size !== x.size) throw new Error(`HostAdam: gradient of ${x.name} has ${g.size} values, the variable ${x.size}`);
      return g ? (g.dataSync() as Float32Array) : null;
    });
    let sumSquares = 0;
    for (const g of values) if (g) for (let k = 0; k < g.length; k++) sumSquares += g[k]! * g[k]!;
    const scale = clipNorm > 0 ? Math.min(1, clipNorm / Math.max(Math.sqrt(sumSquares), 1e-12)) : 1;
    const { beta1, beta2, epsilon } = this;
    const correction1 = 1 - this.accBeta1;
    const correction2 = 1 - this.accBeta2;
    const lr = this.learningRate;
    this.variables.forEach((x, i) => {
      const g = values[i];
      const m = this.m[i]!;
      const v = this.v[i]!;
      const theta = new Float32Array(x.dataSync() as Float32Array);
      for (let k = 0; k < theta.length; k++) {
        const gk = g ? g[k]! * scale : 0;
        const mk = beta1 * m[k]! + (1 - beta1) * gk;
        const vk = beta2 * v[k]! + (1 - beta2) * gk * gk;
        m[k] = mk;
        v[k] = vk;
        theta[k] = theta[k]! - (lr * (mk / correction1)) / (Math.sqrt(vk / correction2) + epsilon);
      }
      tf.tidy(() => x.assign(tf.tensor(theta, x.shape, 'float32')));
    });
    this.accBeta1 *= beta1;
    this.accBeta2 *= beta2;
  }

  /** Nothing to free: the moments are plain arrays. */
  dispose(): void {}

  /** True where this optimiser can run: the backend's tensors are host memory. */
  static suits(backend: string = tf.getBackend()): boolean {
    return isHostMemoryBackend(backend);
  }
}
