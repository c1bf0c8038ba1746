import * as tf from '@tensorflow/tfjs';

/** Real length of each sentence of a batch, `[B]`; each in `0..T`. */
export type SequenceLengths = tf.Tensor1D | Int32Array | readonly number[];

/**
 * Per-batch index tensors, computed once and shared by every layer and every encoder that sees the
 * batch. Create with `sequenceLayout`, dispose with `disposeSequenceLayout` (or inside a `tf.tidy`).
 */
export interface SequenceLayout {
  readonly kind: 'sequenceLayout';
  readonly batch: number;
  readonly time: number;
  /**
   * `[B*T]` int32: flat row `b*T + r(b, t)` with `r(b, t) = L_b - 1 - t` for `t < L_b`, else `t`.
   * It reverses each sentence within its own length and leaves padding in place, so a backward
   * LSTM run over the gathered rows meets its padding at the end, like the forward one. The
   * permutation is an involution (r∘r = id), so the same gather undoes it and is its own gradient.
   */
  readonly reverseIndex: tf.Tensor1D;
  /** `[B, T, 1]` float32: 1 at real tokens, 0 at padding; broadcasts over `[S, B, T, F]`. */
  readonly mask: tf.Tensor3D;
}

export function isSequenceLayout(x: SequenceLengths | SequenceLayout): x is SequenceLayout {
  return 'kind' in x && x.kind === 'sequenceLayout';
}

/**
 * Builds the reversal indices and the padding mask of a batch of `lengths.length` sentences padded
 * to `time` steps. Host lengths are turned into indices on the CPU (one upload each); a tensor of
 * lengths is handled with a few tensor ops, so nothing is read back from the device.
 */
export function sequenceLayout(lengths: SequenceLengths, time: number): SequenceLayout {
  if (!Number.isInteger(time) || time < 1) throw new Error(`sequenceLayout: time must be ≥ 1, got ${time}`);
  if (lengths instanceof tf.Tensor) return layoutFromTensor(lengths, time);
  const batch = lengths.length;
  const index = new Int32Array(batch * time);
  const mask = new Float32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    const len = lengths[b];
    if (!Number.isInteger(len) || len < 0 || len > time) {
      throw new Error(`sequenceLayout: length ${len} of sentence ${b} is not an integer in 0..${time}`);
    }
    for (let t = 0; t < time; t++) {
      index[b * time + t] = b * time + (t < len ? len - 1 - t : t);
      mask[b * time + t] = t < len ? 1 : 0;
    }
  }
  return {
    kind: 'sequenceLayout',
    batch,
    time,
    reverseIndex: tf.tensor1d(index, 'int32'),
    mask: tf.tensor3d(mask, [batch, time, 1], 'float32'),
  };
}

function layoutFromTensor(lengths: tf.Tensor1D, time: number): SequenceLayout {
  const batch = lengths.shape[0];
  const [reverseIndex, mask] = tf.tidy(() => {
    // Clamped so that a stray length can never make the gather read out of range.
    const len = tf.clipByValue(tf.cast(lengths, 'int32'), 0, time).reshape([batch, 1]);
    const t = tf.range(0, time, 1, 'int32').reshape([1, time]);
    const valid = tf.less(t, len); // [B, T]
    // Integer scalars: a plain number would promote the indices to float32.
    const reversed = tf.where(valid, tf.sub(tf.sub(len, tf.scalar(1, 'int32')), t), tf.broadcastTo(t, [batch, time]));
    const rowBase = tf.mul(tf.range(0, batch, 1, 'int32'), tf.scalar(time, 'int32')).reshape([batch, 1]);
    return [
      tf.add(reversed, rowBase).reshape([batch * time]) as tf.Tensor1D,
      tf.cast(valid, 'float32').reshape([batch, time, 1]) as tf.Tensor3D,
    ];
  });
  return { kind: 'sequenceLayout', batch, time, reverseIndex, mask };
}

export function disposeSequenceLayout(layout: SequenceLayout): void {
  layout.reverseIndex.dispose();
  layout.mask.dispose();
}

/**
 * Reverses every sentence within its own length: `y[s, b, t] = x[s, b, r(b, t)]`.
 * One gather forward and, because the permutation is its own inverse, one gather backward
 * (autodiff of a gather would instead scatter through UnsortedSegmentSum).
 *
 * @param x `[S, B, T, F]`
 * @returns `[S, B, T, F]`
 */
export function reverseWithinLengths(x: tf.Tensor4D, layout: SequenceLayout): tf.Tensor4D {
  const [s, b, t, f] = x.shape;
  if (b !== layout.batch || t !== layout.time) {
    throw new Error(`reverseWithinLengths: x is [${x.shape}] but the layout is for B=${layout.batch}, T=${layout.time}`);
  }
  const gatherRows = (v: tf.Tensor, index: tf.Tensor): tf.Tensor4D =>
    tf.gather(v.reshape([s, b * t, f]), index, 1).reshape([s, b, t, f]);
  const reverse = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args;
    if (!(input instanceof tf.Tensor) || typeof save !== 'function') throw new Error('reverseWithinLengths: bad customGrad call');
    // Saved rather than captured: a layout built inside the forward pass is disposed before backprop.
    save([layout.reverseIndex]);
    return {
      value: gatherRows(input, layout.reverseIndex),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [gatherRows(dy, saved[0])],
    };
  });
  return reverse(x) as tf.Tensor4D;
}
