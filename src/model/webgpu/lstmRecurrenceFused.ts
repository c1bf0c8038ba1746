import * as tf from '@tensorflow/tfjs';
import { fusedLstmBackward, fusedLstmForward } from './lstmRecurrenceProgram.ts';

/**
 * The `fused` recurrence of `lstmRecurrence.ts` on WebGPU: the custom gradient's forward and backward
 * built on the two time-loop programs, with the weight gradient as one large product after the loop.
 * Dispatches per call, whatever T: forward 1 (+1 slice of h out of the packed buffer when training);
 * backward 1 transpose + 1 BPTT + 2 slices + 1 product (+ 2 slices and an add for two channels).
 */

/**
 * @param gx `[N, T, B, 4h]`; @param wHh `[N, h, 4h]`
 * @param keep whether BPTT will run (training): then `saved` holds the packed activations
 * @returns `hs` `[N, T, B, h]` and what the backward pass needs
 */
export function fusedRecurrenceForward(gx: tf.Tensor4D, wHh: tf.Tensor3D, keep: boolean): { hs: tf.Tensor4D; saved: tf.Tensor[] } {
  const out = fusedLstmForward(gx, wHh, keep);
  if (!keep) return { hs: out, saved: [] };
  const [n, t, b] = gx.shape;
  const units = wHh.shape[1];
  return { hs: tf.slice(out, [0, 0, 0, 0], [n, t, b, units]), saved: [out] };
}

/**
 * @param dy `[C·N, T, B, h]`: the output gradients of C channels that share one forward (C = 1, or 2
 *   for `lstmRecurrenceTwin`), channel major
 * @param saved what `fusedRecurrenceForward` saved
 * @returns the gx gradient of each channel (`[N, T, B, 4h]` each) and dW_hh `[N, h, 4h]`
 *   = Σ_channels Σ_t h_{t−1}ᵀ·dgates_t, one product over the (T−1)·B rows with a previous state
 */
export function fusedRecurrenceBackward(dy: tf.Tensor4D, saved: readonly tf.Tensor[], wHh: tf.Tensor3D, channels: number): { dGx: tf.Tensor4D[]; dW: tf.Tensor3D } {
  return tf.tidy(() => {
    const packed = saved[0] as tf.Tensor4D;
    const [n, t, b] = packed.shape;
    const units = wHh.shape[1];
    const gates = 4 * units;
    const dAll = fusedLstmBackward(dy, packed, wHh); // [C·N, T, B, 4h]
    const dGx = channels === 1 ? [dAll] : (tf.unstack(dAll.reshape([channels, n, t, b, gates])) as tf.Tensor4D[]);
    if (t === 1) return { dGx, dW: tf.zerosLike(wHh) };
    const rows = (t - 1) * b;
    const hPrev = tf.slice(packed, [0, 0, 0, 0], [n, t - 1, b, units]).reshape([n, rows, units]) as tf.Tensor3D;
    const later = (d: tf.Tensor4D) => tf.slice(d, [0, 1, 0, 0], [n, t - 1, b, gates]);
    const dNext = (channels === 1 ? later(dAll) : tf.addN(dGx.map(later))).reshape([n, rows, gates]) as tf.Tensor3D;
    return { dGx, dW: tf.matMul(hPrev, dNext, true, false) };
  });
}
