import * as tf from '@tensorflow/tfjs';
import { biLstmSizes, concatBiLstmWeights, type BiLstmWeightsArg } from './lstmWeights.ts';

/**
 * The same math as `biLstmLayer`, written the obvious way for tests: per stack, per direction, per
 * timestep, with autodiff for the gradients. Variable lengths are handled independently of the fast
 * kernel: by masking the state (it is held, i.e. stays zero, over padding) instead of by reversal.
 * Slow (thousands of kernels); never use it in the model.
 *
 * @param x `[S, B, T, in]`
 * @param lengths `[B]` real lengths, each in 0..T
 * @returns `[S, B, T, 2h]` forward ‖ backward, zeros at padded positions
 */
export function biLstmLayerReference(x: tf.Tensor4D, weights: BiLstmWeightsArg, lengths: Int32Array | readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const w = concatBiLstmWeights(weights);
    const { stacks, units } = biLstmSizes(w);
    const [s, b, t] = x.shape;
    if (s !== stacks || lengths.length !== b) throw new Error('biLstmLayerReference: shapes disagree');
    const maskData = new Float32Array(b * t);
    for (let i = 0; i < b; i++) for (let j = 0; j < Math.min(lengths[i], t); j++) maskData[i * t + j] = 1;
    const masks = tf.unstack(tf.tensor2d(maskData, [b, t]), 1).map((m) => m.reshape([b, 1]));

    // unstack rather than gather: the gradient of gather needs UnsortedSegmentSum, which wasm lacks.
    const perDirection = (t4: tf.Tensor): tf.Tensor[][] => tf.unstack(t4).map((perStack) => tf.unstack(perStack));
    const [wIhs, wHhs, biases] = [perDirection(w.wIh), perDirection(w.wHh), perDirection(w.bias)];
    const xStacks = tf.unstack(x);
    const perStack: tf.Tensor[] = [];
    for (let si = 0; si < s; si++) {
      const xs = tf.unstack(xStacks[si], 1); // T × [B, in]
      const dirs: tf.Tensor[] = [];
      for (let d = 0; d < 2; d++) {
        const [wIh, wHh, bias] = [wIhs[si][d], wHhs[si][d], biases[si][d]];
        let h: tf.Tensor = tf.zeros([b, units]);
        let c: tf.Tensor = tf.zeros([b, units]);
        const outs: tf.Tensor[] = new Array<tf.Tensor>(t);
        for (let k = 0; k < t; k++) {
          const step = d === 0 ? k : t - 1 - k;
          const a = tf.add(tf.add(tf.matMul(xs[step], wIh), tf.matMul(h, wHh)), bias);
          const [ai, af, ag, ao] = tf.split(a, 4, 1);
          const cNew = tf.add(tf.mul(tf.sigmoid(af), c), tf.mul(tf.sigmoid(ai), tf.tanh(ag)));
          const hNew = tf.mul(tf.sigmoid(ao), tf.tanh(cNew));
          const m = masks[step];
          const keep = tf.sub(1, m);
          c = tf.add(tf.mul(m, cNew), tf.mul(keep, c));
          h = tf.add(tf.mul(m, hNew), tf.mul(keep, h));
          outs[step] = tf.mul(m, h);
        }
        dirs.push(tf.stack(outs, 1)); // [B, T, h]
      }
      perStack.push(tf.concat(dirs, 2));
    }
    return tf.stack(perStack) as tf.Tensor4D;
  });
}
