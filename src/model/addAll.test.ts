import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADD_N_INPUTS, addAll } from './addAll';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('addAll', () => {
  it('sums any count of tensors, never giving one AddN kernel more than ADD_N_INPUTS inputs', async () => {
    for (const count of [1, 2, ADD_N_INPUTS, ADD_N_INPUTS + 1, 50, 61]) {
      const values = Array.from({ length: count }, (_, i) => [i + 1, 1 - 2 * i, 0.5]);
      const expected = [0, 1, 2].map((j) => values.reduce((s, v) => s + v[j]!, 0));
      const before = tf.memory().numTensors;
      const tensors = values.map((v) => tf.tensor1d(v));
      let sum: tf.Tensor | undefined;
      const profile = await tf.profile(() => {
        sum = addAll(tensors);
        return sum;
      });
      expect(Array.from(sum!.dataSync())).toEqual(expected);
      expect(sum).not.toBe(tensors[0]); // a clone for one input: the caller may dispose its inputs
      const addNs = profile.kernels.filter((k) => k.name === 'AddN');
      for (const kernel of addNs) expect(kernel.inputShapes.length).toBeLessThanOrEqual(ADD_N_INPUTS);
      if (count > ADD_N_INPUTS) expect(addNs.length).toBeGreaterThan(1);
      tf.dispose([...tensors, sum!]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('refuses an empty list', () => {
    expect(() => addAll([])).toThrow(/nothing to add/);
  });
});
