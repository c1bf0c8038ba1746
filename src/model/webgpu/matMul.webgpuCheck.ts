import * as tf from '@tensorflow/tfjs';
import { compareOutputs, onBackend, seededValues, type KernelCheck } from './kernelCheck.ts';

/**
 * The harness's own check: tfjs's stock batched matmul and its gradient on webgpu against wasm.
 * It proves that the page, the worker, both backends and the comparison work end to end.
 */
function batchedMatMul(): KernelCheck {
  const [n, m, k, p] = [3, 5, 7, 4];
  return {
    name: 'harness: batched matmul and its gradient, webgpu vs wasm',
    async run() {
      const a = seededValues(n * m * k, 1);
      const b = seededValues(n * k * p, 2);
      const dy = seededValues(n * m * p, 3);
      const compute = () => {
        const at = tf.tensor3d(a, [n, m, k]);
        const bt = tf.tensor3d(b, [n, k, p]);
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D));
        const [da, db] = grads([at, bt], tf.tensor3d(dy, [n, m, p]));
        return { product: tf.matMul(at, bt), da: da!, db: db! };
      };
      const expected = await onBackend('wasm', compute);
      const actual = await onBackend('webgpu', compute);
      return compareOutputs(actual, expected, 1e-4);
    },
  };
}

export const checks: KernelCheck[] = [batchedMatMul()];
