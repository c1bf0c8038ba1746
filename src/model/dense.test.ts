import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affine, affineLastAxis } from './dense.ts';
import { checkGradients } from './gradientCheck.ts';
import type { MatMulStrategy } from './kernelPlan.ts';

const STRATEGIES: readonly MatMulStrategy[] = ['batched', 'perStream'];

/** Values and gradients of a weighted sum of `affine`'s output, as plain arrays. */
function valueAndGrads(a: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D | undefined, weights: tf.Tensor2D, matMul: MatMulStrategy) {
  return tf.tidy(() => {
    const f = (...xs: tf.Tensor[]) => tf.sum(tf.mul(affine(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor1D | undefined, matMul), weights));
    const inputs = bias ? [a, w, bias] : [a, w];
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    return {
      out: Array.from(affine(a, w, bias, matMul).dataSync()),
      value: value.dataSync()[0]!,
      grads: grads.map((g) => Array.from(g.dataSync())),
    };
  });
}

function expectClose(actual: number[], expected: number[], tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}

for (const backend of ['cpu', 'wasm']) {
  describe(`affine (${backend})`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    afterAll(() => {
      tf.disposeVariables();
    });

    it('matches tf.matMul + bias autodiff in value and gradients, with and without a bias', () => {
      const a = tf.randomUniform([7, 5], -1, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomUniform([5, 3], -1, 1, 'float32', 2) as tf.Tensor2D;
      const bias = tf.randomUniform([3], -1, 1, 'float32', 3) as tf.Tensor1D;
      const weights = tf.randomUniform([7, 3], -1, 1, 'float32', 4) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      for (const withBias of [true, false]) {
        const b = withBias ? bias : undefined;
        // The plain formulation, autodiffed by tfjs.
        const expected = tf.tidy(() => {
          const f = (...xs: tf.Tensor[]) => {
            const p = tf.matMul(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D);
            return tf.sum(tf.mul(withBias ? tf.add(p, xs[2]!) : p, weights));
          };
          const { value, grads } = tf.valueAndGrads(f)(withBias ? [a, w, bias] : [a, w]);
          return { value: value.dataSync()[0]!, grads: grads.map((g) => Array.from(g.dataSync())) };
        });
        for (const strategy of STRATEGIES) {
          const got = valueAndGrads(a, w, b, weights, strategy);
          expect(Math.abs(got.value - expected.value)).toBeLessThan(1e-4);
          expect(got.grads.length).toBe(withBias ? 3 : 2);
          got.grads.forEach((g, k) => expectClose(g, expected.grads[k]!));
        }
      }
      // Every temporary of the custom gradient is released.
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, w, bias, weights]);
    });

    it('agrees with finite differences (perStream, the custom gradient)', () => {
      const a = tf.randomUniform([4, 3], -1, 1, 'float32', 5);
      const w = tf.randomUniform([3, 2], -1, 1, 'float32', 6);
      const bias = tf.randomUniform([2], -1, 1, 'float32', 7);
      const weights = tf.randomUniform([4, 2], -1, 1, 'float32', 8);
      const f = (...xs: tf.Tensor[]) =>
        tf.sum(tf.mul(tf.tanh(affine(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor1D, 'perStream')), weights));
      for (const result of checkGradients(f, [a, w, bias])) expect(result.ok, result.message).toBe(true);
      tf.dispose([a, w, bias, weights]);
    });

    it('affineLastAxis keeps the leading axes', () => {
      const x = tf.randomUniform([2, 3, 4], -1, 1, 'float32', 9);
      const w = tf.randomUniform([4, 5], -1, 1, 'float32', 10) as tf.Tensor2D;
      const y = affineLastAxis(x, w, undefined, 'perStream');
      expect(y.shape).toEqual([2, 3, 5]);
      const expected = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), w), [2, 3, 5]));
      expectClose(Array.from(y.dataSync()), Array.from(expected.dataSync()));
      tf.dispose([x, w, y, expected]);
    });

    it('rejects mismatched shapes', () => {
      const a = tf.zeros([2, 3]) as tf.Tensor2D;
      const w = tf.zeros([4, 5]) as tf.Tensor2D;
      expect(() => affine(a, w)).toThrow(/cannot multiply/);
      tf.dispose([a, w]);
    });
  });
}
