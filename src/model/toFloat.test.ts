import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { toFloat } from './toFloat';

describe('toFloat', () => {
  it.each(['cpu', 'wasm'])('gives bool and int32 tensors as float32 values on %s, and transposes them intact', async (backend) => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const flags = tf.tensor3d([true, false, true, true, false, false], [1, 2, 3], 'bool');
    const ids = tf.tensor1d([2, 0], 'int32');
    const ints = tf.oneHot(ids, 3);
    const a = toFloat(flags);
    const b = toFloat(ints);
    const c = toFloat(a);
    expect([a.dtype, b.dtype, c.dtype]).toEqual(['float32', 'float32', 'float32']);
    expect(Array.from(a.dataSync())).toEqual([1, 0, 1, 1, 0, 0]);
    expect(Array.from(b.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
    expect(c).not.toBe(a); // a copy the caller owns
    // the failing case on WebGPU before: a reduction over a middle axis transposes [0,2,1]
    const sums = tf.sum(a, 1);
    expect(Array.from(sums.dataSync())).toEqual([2, 0, 1]);
    tf.dispose([flags, ids, ints, a, b, c, sums]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
