import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientReversal, stopGradient } from './gradientReversal.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gradientReversal', () => {
  it('is the identity forward', () => {
    const x = tf.tensor3d([[[1.5, -2], [0.25, 3]]]);
    const before = tf.memory().numTensors;
    const y = gradientReversal(x, 0.7);
    expect(y.shape).toEqual(x.shape);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('multiplies the gradient by exactly −scale', () => {
    const x = tf.tensor2d([[0.5, -1.25], [2, 0.125]]);
    const w = tf.tensor2d([[1, -2], [0.5, 4]]);
    const loss = (rev: number | null) => (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(rev === null ? t : gradientReversal(t, rev)), w));
    const plain = tf.grad(loss(null))(x);
    const before = tf.memory().numTensors;
    tf.grad(loss(2))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const scale of [1, 5, 0.25, 0]) {
      const g = tf.grad(loss(scale))(x);
      const expected = Array.from(plain.dataSync()).map((v) => -scale * v);
      // powers of two and small integers: the products are exact in float32
      expect(Array.from(g.dataSync())).toEqual(expected);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, plain]);
  });

  it('stopGradient passes values and blocks gradients', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.add(tf.sum(tf.square(stopGradient(t))), tf.sum(t)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([x, g]);
  });
});
