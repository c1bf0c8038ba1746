import * as tf from '@tensorflow/tfjs';
import { lstmRecurrence } from './lstmRecurrence.ts';
import { biLstmSizes, concatBiLstmWeights, type BiLstmWeightsArg } from './lstmWeights.ts';
import {
  isSequenceLayout,
  reverseWithinLengths,
  sequenceLayout,
  type SequenceLayout,
  type SequenceLengths,
} from './sequenceReverse.ts';
import { defaultMatMulStrategy, streamMatMul, type MatMulStrategy } from './streamMatMul.ts';

export {
  biLstmSizes,
  biLstmVariables,
  concatBiLstmWeights,
  disposeBiLstmWeights,
  initBiLstm,
  initBiLstmWeights,
  type BiLstmInitOptions,
  type BiLstmVariables,
  type BiLstmWeights,
  type BiLstmWeightsArg,
} from './lstmWeights.ts';
export {
  disposeSequenceLayout,
  isSequenceLayout,
  reverseWithinLengths,
  sequenceLayout,
  type SequenceLayout,
  type SequenceLengths,
} from './sequenceReverse.ts';
export { defaultMatMulStrategy, type MatMulStrategy } from './streamMatMul.ts';

export interface BiLstmLayerOptions {
  /** How the per-stream products are dispatched; default: the fastest for the active backend. */
  readonly matMul?: MatMulStrategy;
}

/**
 * S independent bidirectional LSTM layers over the same `[B, T]` batch, in few large operations:
 * - the input projection of all timesteps, stacks and both directions is one (per-stream) product;
 * - the time loop holds only h·W_hh for all S×2 streams at once, with a hand-written BPTT;
 * - the backward direction reads each sentence reversed within its own length (one gather), so its
 *   padding trails like the forward direction's and the loop needs no mask; its outputs are gathered
 *   back to the original positions.
 *
 * @param x `[S, B, T, in]` (stack s is read by weight stack s)
 * @param weights one set with S stacks, or a list of sets whose stacks add up to S
 * @param lengths `[B]` real lengths, or a `sequenceLayout` shared by several calls on the same batch
 * @returns `[S, B, T, 2h]`: forward ‖ backward hidden states, zeros at padded positions
 */
export function biLstmLayer(
  x: tf.Tensor4D,
  weights: BiLstmWeightsArg,
  lengths: SequenceLengths | SequenceLayout,
  opts: BiLstmLayerOptions = {},
): tf.Tensor4D {
  return tf.tidy(() => {
    const w = concatBiLstmWeights(weights);
    const { stacks, inputSize, units } = biLstmSizes(w);
    const [s, b, t, features] = x.shape;
    if (s !== stacks || features !== inputSize) {
      throw new Error(`biLstmLayer: x is [${x.shape}] but the weights expect [${stacks}, B, T, ${inputSize}]`);
    }
    const layout = isSequenceLayout(lengths) ? lengths : sequenceLayout(lengths, t);
    const strategy = opts.matMul ?? defaultMatMulStrategy();
    const streams = 2 * s; // stream 2·s + d: stack s, direction d

    // Reverse the inputs (in features) rather than their projections (4h features): a smaller gather.
    const xBoth = tf.stack([x, reverseWithinLengths(x, layout)], 1).reshape([streams, b * t, inputSize]) as tf.Tensor3D;
    const projected = streamMatMul(xBoth, w.wIh.reshape([streams, inputSize, 4 * units]) as tf.Tensor3D, { strategy });
    const gx = tf.add(projected, w.bias.reshape([streams, 1, 4 * units])).reshape([streams, b, t, 4 * units]) as tf.Tensor4D;

    const hs = lstmRecurrence(gx, w.wHh.reshape([streams, units, 4 * units]) as tf.Tensor3D, strategy);
    const [forward, backwardReversed] = tf.unstack(hs.reshape([s, 2, b, t, units]), 1) as tf.Tensor4D[];
    const out = tf.concat([forward, reverseWithinLengths(backwardReversed, layout)], 3);
    // Padded steps ran on garbage; zero them (this also zeroes their gradient into the loop).
    return tf.mul(out, layout.mask) as tf.Tensor4D;
  });
}

export interface BiLstmOptions extends BiLstmLayerOptions {
  /**
   * Dropout between stacked layers (not after the last: the caller owns the output's dropout).
   * Give a fresh seed per training step; omit at evaluation.
   */
  readonly dropout?: { readonly rate: number; readonly seed: number };
}

/**
 * Stacked BiLSTM: layer l+1 reads layer l's `[S, B, T, 2h]` output. `layers[l]` holds layer l's weights
 * of every stack (a set or a list of sets, as for `biLstmLayer`), e.g. two encoders of two layers
 * each: `[[encA[0], encB[0]], [encA[1], encB[1]]]`. The length layout is built once for all layers.
 *
 * @param x `[S, B, T, in]`
 * @returns `[S, B, T, 2h]` of the last layer, zeros at padded positions
 */
export function biLstm(
  x: tf.Tensor4D,
  layers: readonly BiLstmWeightsArg[],
  lengths: SequenceLengths | SequenceLayout,
  opts: BiLstmOptions = {},
): tf.Tensor4D {
  if (layers.length === 0) throw new Error('biLstm: no layers');
  const rate = opts.dropout?.rate ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new Error(`biLstm: dropout rate must be in [0, 1), got ${rate}`);
  return tf.tidy(() => {
    const layout = isSequenceLayout(lengths) ? lengths : sequenceLayout(lengths, x.shape[2]);
    let h = x;
    layers.forEach((weights, l) => {
      if (l > 0 && rate > 0 && opts.dropout !== undefined) {
        // Padded positions stay zero under dropout, so no re-masking is needed.
        h = tf.dropout(h, rate, undefined, opts.dropout.seed + l) as tf.Tensor4D;
      }
      h = biLstmLayer(h, weights, layout, opts);
    });
    return h;
  });
}
