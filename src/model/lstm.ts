/**
 * Bidirectional LSTM layers for every encoder of the model (DESIGN.md §2, §3).
 *
 * Modules: `lstm.ts` (this: layer and stack API), `lstmWeights.ts` (weights, init), `lstmRecurrence.ts`
 * (time loop + hand-written BPTT), `sequenceLayout.ts` (per-batch length indices), `kernelPlan.ts` and
 * `streamMatMul.ts` (how work is dispatched on each backend), `lstmReference.ts` (slow autodiff
 * reference for tests), `kernelCount.ts` (kernel counting for benchmarks).
 *
 * Tensor layouts: tokens `[S, B, T, F]` (S stacks = independent layers with their own weights);
 * inside a layer, 2·S streams `[2S, T, B, F]` with stream 2·s + d = stack s, direction d.
 */
import * as tf from '@tensorflow/tfjs';
import { permuteRows, resolveKernelPlan, type KernelPlan } from './kernelPlan.ts';
import { lstmRecurrence } from './lstmRecurrence.ts';
import { biLstmSizes, concatBiLstmWeights, type BiLstmWeightsArg } from './lstmWeights.ts';
import { isSequenceLayout, sequenceLayout, type SequenceLayout, type SequenceLengths } from './sequenceLayout.ts';
import { streamAffine } from './streamMatMul.ts';

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
  sequenceLayout,
  type SequenceLayout,
  type SequenceLengths,
} from './sequenceLayout.ts';
export { defaultKernelPlan, type CopyStrategy, type KernelPlan, type MatMulStrategy, type TanhStrategy } from './kernelPlan.ts';

export interface BiLstmLayerOptions {
  /** Overrides of `defaultKernelPlan()` (the fastest plan for the active backend); for tests and benchmarks. */
  readonly plan?: Partial<KernelPlan>;
}

/**
 * S independent bidirectional LSTM layers over the same `[B, T]` batch, in few large operations:
 * - one row gather lays the tokens out as 2·S streams `[S, 2, T, B, in]`, the backward direction
 *   reading each sentence reversed within its own length (so its padding trails, like the forward's);
 * - the input projection of all timesteps, stacks and directions is one (per-stream) product;
 * - the time loop holds only h·W_hh for all 2·S streams at once, with a hand-written BPTT;
 * - one row gather puts the hidden states back in token order as forward ‖ backward.
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
    if (layout.batch !== b || layout.time !== t) {
      throw new Error(`biLstmLayer: x is [${x.shape}] but the layout is for B=${layout.batch}, T=${layout.time}`);
    }
    const plan = resolveKernelPlan(opts.plan);
    const streams = 2 * s; // stream 2·s + d: stack s, direction d
    const gates = 4 * units;

    const tokens = x.reshape([s, b * t, inputSize]) as tf.Tensor3D;
    const xStreams = permuteRows(tokens, layout.toStreams, layout.toStreamsBack, plan.copies); // [S, 2·T·B, in]
    const gx = streamAffine(
      xStreams.reshape([streams, t * b, inputSize]) as tf.Tensor3D,
      w.wIh.reshape([streams, inputSize, gates]) as tf.Tensor3D,
      w.bias.reshape([streams, gates]) as tf.Tensor2D,
      plan,
    ).reshape([streams, t, b, gates]) as tf.Tensor4D;

    const hs = lstmRecurrence(gx, w.wHh.reshape([streams, units, gates]) as tf.Tensor3D, plan); // [2S, T, B, h]
    const rows = permuteRows(hs.reshape([s, 2 * t * b, units]) as tf.Tensor3D, layout.toTokens, [layout.toTokensBack], plan.copies);
    // Padded steps ran on garbage; zeroing them also zeroes their gradient into the loop.
    return tf.mul(rows.reshape([s, b, t, 2 * units]), layout.mask) as tf.Tensor4D;
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
