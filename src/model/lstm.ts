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
import { dropout } from './dropout.ts';
import { stopGradient } from './gradientReversal.ts';
import { lstmRecurrence, lstmRecurrenceTwin } from './lstmRecurrence.ts';
import { biLstmSizes, concatBiLstmWeights, type BiLstmWeightsArg } from './lstmWeights.ts';
import { isSequenceLayout, sequenceLayout, type SequenceLayout, type SequenceLengths } from './sequenceLayout.ts';
import { streamAffine, streamAffineTwin } from './streamMatMul.ts';

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
  return tf.tidy(() => layerChannels(x, null, weights, lengths, opts)[0]);
}

/**
 * `biLstmLayer` over `x` with a gradient-cut twin `xTwin` (equal in value to `x`, reached by another
 * path): one forward; the twin's output has the same values and back-propagates into the weights and
 * into `xTwin`, never into `x` (see `lstmRecurrenceTwin`).
 *
 * @returns `[out, outTwin]`, each `[S, B, T, 2h]`
 */
export function biLstmLayerTwin(
  x: tf.Tensor4D,
  xTwin: tf.Tensor4D,
  weights: BiLstmWeightsArg,
  lengths: SequenceLengths | SequenceLayout,
  opts: BiLstmLayerOptions = {},
): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => layerChannels(x, xTwin, weights, lengths, opts) as [tf.Tensor4D, tf.Tensor4D]);
}

function layerChannels(
  x: tf.Tensor4D,
  xTwin: tf.Tensor4D | null,
  weights: BiLstmWeightsArg,
  lengths: SequenceLengths | SequenceLayout,
  opts: BiLstmLayerOptions,
): tf.Tensor4D[] {
  const w = concatBiLstmWeights(weights);
  const { stacks, inputSize, units } = biLstmSizes(w);
  const [s, b, t, features] = x.shape;
  if (s !== stacks || features !== inputSize) {
    throw new Error(`biLstmLayer: x is [${x.shape}] but the weights expect [${stacks}, B, T, ${inputSize}]`);
  }
  if (xTwin && xTwin.shape.join() !== x.shape.join()) throw new Error(`biLstmLayer: the twin is [${xTwin.shape}], x [${x.shape}]`);
  const layout = isSequenceLayout(lengths) ? lengths : sequenceLayout(lengths, t);
  if (layout.batch !== b || layout.time !== t) {
    throw new Error(`biLstmLayer: x is [${x.shape}] but the layout is for B=${layout.batch}, T=${layout.time}`);
  }
  const plan = resolveKernelPlan(opts.plan);
  const streams = 2 * s; // stream 2·s + d: stack s, direction d
  const gates = 4 * units;
  const wIh = w.wIh.reshape([streams, inputSize, gates]) as tf.Tensor3D;
  const bias = w.bias.reshape([streams, gates]) as tf.Tensor2D;
  const wHh = w.wHh.reshape([streams, units, gates]) as tf.Tensor3D;

  const toStreams = (input: tf.Tensor4D): tf.Tensor3D =>
    permuteRows(input.reshape([s, b * t, inputSize]) as tf.Tensor3D, layout.toStreams, layout.toStreamsBack, plan.copies).reshape([
      streams,
      t * b,
      inputSize,
    ]) as tf.Tensor3D; // [2S, T·B, in]
  const xStreams = toStreams(x);
  const gx = streamAffine(xStreams, wIh, bias, plan);
  let hs: tf.Tensor4D[];
  if (xTwin) {
    const gxTwin = streamAffineTwin(toStreams(xTwin), wIh, bias, gx, plan);
    hs = lstmRecurrenceTwin(gx.reshape([streams, t, b, gates]) as tf.Tensor4D, gxTwin.reshape([streams, t, b, gates]) as tf.Tensor4D, wHh, plan);
  } else hs = [lstmRecurrence(gx.reshape([streams, t, b, gates]) as tf.Tensor4D, wHh, plan)]; // [2S, T, B, h]
  return hs.map((h) => {
    const rows = permuteRows(h.reshape([s, 2 * t * b, units]) as tf.Tensor3D, layout.toTokens, [layout.toTokensBack], plan.copies);
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
  const rate = checkedDropoutRate(layers, opts);
  return tf.tidy(() => {
    const layout = isSequenceLayout(lengths) ? lengths : sequenceLayout(lengths, x.shape[2]);
    let h = x;
    layers.forEach((weights, l) => {
      if (l > 0 && rate > 0 && opts.dropout !== undefined) {
        // Padded positions stay zero under dropout, so no re-masking is needed.
        h = dropout(h, rate, opts.dropout.seed + l, resolveKernelPlan(opts.plan).dropout);
      }
      h = biLstmLayer(h, weights, layout, opts);
    });
    return h;
  });
}

/**
 * `biLstm` with a gradient-cut twin of its output: `[out, outTwin]`, equal in value (the same
 * dropout masks between layers), from one forward pass. `outTwin`'s gradient reaches every layer's
 * weights but stops at `x`; `out`'s flows into `x` as usual. The shared encoders use it for the
 * discriminators under `reversalReach: 'sharedEncoder'`.
 */
export function biLstmTwin(
  x: tf.Tensor4D,
  layers: readonly BiLstmWeightsArg[],
  lengths: SequenceLengths | SequenceLayout,
  opts: BiLstmOptions = {},
): [tf.Tensor4D, tf.Tensor4D] {
  const rate = checkedDropoutRate(layers, opts);
  return tf.tidy(() => {
    const layout = isSequenceLayout(lengths) ? lengths : sequenceLayout(lengths, x.shape[2]);
    let h = x;
    let twin = stopGradient(x);
    layers.forEach((weights, l) => {
      if (l > 0 && rate > 0 && opts.dropout !== undefined) {
        // One mask for both channels (same seed and shape), so the twin stays equal in value.
        const strategy = resolveKernelPlan(opts.plan).dropout;
        h = dropout(h, rate, opts.dropout.seed + l, strategy);
        twin = dropout(twin, rate, opts.dropout.seed + l, strategy);
      }
      [h, twin] = biLstmLayerTwin(h, twin, weights, layout, opts);
    });
    return [h, twin] as [tf.Tensor4D, tf.Tensor4D];
  });
}

/** The dropout rate between layers, after checking there are layers and the rate is one. */
function checkedDropoutRate(layers: readonly BiLstmWeightsArg[], opts: BiLstmOptions): number {
  if (layers.length === 0) throw new Error('biLstm: no layers');
  const rate = opts.dropout?.rate ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new Error(`biLstm: dropout rate must be in [0, 1), got ${rate}`);
  return rate;
}
