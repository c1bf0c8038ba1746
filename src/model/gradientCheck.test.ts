import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, checkGradients, checkVariableGradient } from './gradientCheck.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gradientCheck', () => {
  it('accepts the gradient of a known function and the numeric estimate matches the closed form', () => {
    const x = tf.tensor1d([0.3, -1.2, 2.0, 0.7]);
    const before = tf.memory().numTensors;
    // f(x) = Σ x³ + Σ sin x  →  f'(x) = 3x² + cos x
    const r = checkGradient((t) => tf.add(tf.sum(tf.pow(t, 3)), tf.sum(tf.sin(t))), x, { eps: 1e-2 });
    expect(r.ok, r.message).toBe(true);
    const xs = [0.3, -1.2, 2.0, 0.7];
    xs.forEach((v, i) => {
      const exact = 3 * v * v + Math.cos(v);
      expect(r.numeric[i]).toBeCloseTo(exact, 3);
      expect(r.analytic[i]).toBeCloseTo(exact, 4);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects a wrong gradient', () => {
    const x = tf.tensor1d([0.5, -0.25, 1.5]);
    // Identity forward, but the gradient is 1.1·dy instead of dy.
    const wrong = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      (args[1] as tf.GradSaveFunc)([]);
      return { value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.mul(dy, 1.1) };
    });
    const r = checkGradient((t) => tf.sum(tf.square(wrong(t) as tf.Tensor)), x);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('FAILED');
    x.dispose();
  });

  it('checks several inputs and a subset of coordinates', () => {
    const a = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([4, 2], 0, 1, 'float32', 2);
    const rs = checkGradients((p, q) => tf.sum(tf.tanh(tf.matMul(p, q))), [a, b], { maxEntries: 5, seed: 3 });
    expect(rs).toHaveLength(2);
    expect(rs[0].indices).toHaveLength(5);
    for (const r of rs) expect(r.ok, r.message).toBe(true);
    tf.dispose([a, b]);
  });

  it('checks a variable gradient and restores the variable', () => {
    const v = tf.variable(tf.tensor2d([[0.2, -0.4], [1.0, 0.1]]));
    const x = tf.tensor2d([[1, 2], [3, -1]]);
    const before = Array.from(v.dataSync());
    const r = checkVariableGradient(() => tf.sum(tf.exp(tf.matMul(x, v))), v, { eps: 5e-3 });
    expect(r.ok, r.message).toBe(true);
    expect(Array.from(v.dataSync())).toEqual(before);
    v.dispose();
    x.dispose();
  });
});
