import * as tf from '@tensorflow/tfjs';
import { toFloat } from './toFloat.ts';

/** Real length of each sentence of a batch, `[B]`; each in `0..T`. */
export type SequenceLengths = tf.Tensor1D | Int32Array | readonly number[];

/**
 * Row indices that move a batch between the token layout `[S, B, T, F]` and the stream layout of the
 * recurrence `[S, 2, T, B, F]` (direction d, timestep, sentence), computed once per batch and shared by
 * every layer and encoder that sees it. Create with `sequenceLayout`, dispose with
 * `disposeSequenceLayout` (or inside a `tf.tidy`).
 *
 * Direction 1 (backward) reads sentence b at `r(b, t) = L_b − 1 − t` for `t < L_b`, else `t`: each
 * sentence reversed within its own length, padding left in place, so both directions meet their
 * padding at the end of the time loop and the loop needs no mask. `r` is an involution, which makes
 * every inverse index below as cheap as the index itself.
 */
export interface SequenceLayout {
  readonly kind: 'sequenceLayout';
  readonly batch: number;
  readonly time: number;
  /** `[2·T·B]` int32: stream row (d, t, b) ← token row `b·T + t_d`, t_0 = t, t_1 = r(b, t). */
  readonly toStreams: tf.Tensor1D;
  /** Two `[B·T]` int32 indices, one per direction: token row (b, t) → its stream row `d·T·B + t_d·B + b`. */
  readonly toStreamsBack: readonly [tf.Tensor1D, tf.Tensor1D];
  /** `[B·T·2]` int32: output row (b, t, d) ← stream row `d·T·B + t_d·B + b`. */
  readonly toTokens: tf.Tensor1D;
  /** `[2·T·B]` int32: stream row (d, t, b) → output row `(b·T + t_d)·2 + d` (inverse of `toTokens`). */
  readonly toTokensBack: tf.Tensor1D;
  /** `[B, T, 1]` float32: 1 at real tokens, 0 at padding; broadcasts over `[S, B, T, F]`. */
  readonly mask: tf.Tensor3D;
}

export function isSequenceLayout(x: SequenceLengths | SequenceLayout): x is SequenceLayout {
  return 'kind' in x && x.kind === 'sequenceLayout';
}

/**
 * Builds the layout of `lengths.length` sentences padded to `time` steps. Host lengths are turned into
 * indices on the CPU (a few small uploads); a tensor of lengths with a few int32 tensor ops, so nothing
 * is read back from a device.
 */
export function sequenceLayout(lengths: SequenceLengths, time: number): SequenceLayout {
  if (!Number.isInteger(time) || time < 1) throw new Error(`sequenceLayout: time must be ≥ 1, got ${time}`);
  return lengths instanceof tf.Tensor ? layoutFromTensor(lengths, time) : layoutFromHost(lengths, time);
}

export function disposeSequenceLayout(layout: SequenceLayout): void {
  tf.dispose([layout.toStreams, ...layout.toStreamsBack, layout.toTokens, layout.toTokensBack, layout.mask]);
}

function layoutFromHost(lengths: Int32Array | readonly number[], time: number): SequenceLayout {
  const batch = lengths.length;
  const rows = batch * time;
  const toStreams = new Int32Array(2 * rows);
  const back = [new Int32Array(rows), new Int32Array(rows)];
  const toTokens = new Int32Array(2 * rows);
  const toTokensBack = new Int32Array(2 * rows);
  const mask = new Float32Array(rows);
  for (let b = 0; b < batch; b++) {
    const len = lengths[b];
    if (!Number.isInteger(len) || len < 0 || len > time) {
      throw new Error(`sequenceLayout: length ${len} of sentence ${b} is not an integer in 0..${time}`);
    }
    for (let t = 0; t < time; t++) {
      mask[b * time + t] = t < len ? 1 : 0;
      for (let d = 0; d < 2; d++) {
        const td = d === 1 && t < len ? len - 1 - t : t;
        toStreams[d * rows + t * batch + b] = b * time + td;
        back[d][b * time + t] = d * rows + td * batch + b;
        toTokens[(b * time + t) * 2 + d] = d * rows + td * batch + b;
        toTokensBack[d * rows + t * batch + b] = (b * time + td) * 2 + d;
      }
    }
  }
  return {
    kind: 'sequenceLayout',
    batch,
    time,
    toStreams: tf.tensor1d(toStreams, 'int32'),
    toStreamsBack: [tf.tensor1d(back[0], 'int32'), tf.tensor1d(back[1], 'int32')],
    toTokens: tf.tensor1d(toTokens, 'int32'),
    toTokensBack: tf.tensor1d(toTokensBack, 'int32'),
    mask: tf.tensor3d(mask, [batch, time, 1], 'float32'),
  };
}

function layoutFromTensor(lengths: tf.Tensor1D, time: number): SequenceLayout {
  const batch = lengths.shape[0];
  const rows = batch * time;
  const [toStreams, back0, back1, toTokens, toTokensBack, mask] = tf.tidy(() => {
    // int32 scalars throughout: a plain number would promote the indices to float32.
    const int = (v: number): tf.Scalar => tf.scalar(v, 'int32');
    // Clamped so that a stray length can never make a gather read out of range.
    const len = tf.clipByValue(tf.cast(lengths, 'int32'), 0, time).reshape([batch, 1]);
    const t = tf.range(0, time, 1, 'int32').reshape([1, time]);
    const b = tf.range(0, batch, 1, 'int32').reshape([batch, 1]);
    const valid = tf.less(t, len); // [B, T]
    const tAll = tf.broadcastTo(t, [batch, time]);
    const steps = [tAll, tf.where(valid, tf.sub(tf.sub(len, int(1)), t), tAll)]; // t_d, [B, T] each
    const flat = (x: tf.Tensor): tf.Tensor1D => x.reshape([-1]) as tf.Tensor1D;
    // (b, t) → token row b·T + t_d, and → stream row d·T·B + t_d·B + b.
    const tokenRow = steps.map((td) => tf.add(tf.mul(b, int(time)), td));
    const streamRow = steps.map((td, d) => tf.add(tf.add(tf.mul(td, int(batch)), b), int(d * rows)));
    const outputRow = steps.map((td, d) => tf.add(tf.mul(tf.add(tf.mul(b, int(time)), td), int(2)), int(d)));
    // Indices listed in stream order (d, t, b) are the [B, T] tables transposed to [T, B].
    const inStreamOrder = (tables: tf.Tensor[]): tf.Tensor1D => flat(tf.stack(tables.map((x) => tf.transpose(x))));
    return [
      inStreamOrder(tokenRow),
      flat(streamRow[0]),
      flat(streamRow[1]),
      flat(tf.stack(streamRow, 2)),
      inStreamOrder(outputRow),
      toFloat(valid).reshape([batch, time, 1]),
    ];
  });
  return {
    kind: 'sequenceLayout',
    batch,
    time,
    toStreams,
    toStreamsBack: [back0, back1],
    toTokens,
    toTokensBack,
    mask: mask as tf.Tensor3D,
  };
}
