import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches.ts';

/** One batch on the device. Built once per batch; every model call of the step reads it. */
export interface BatchTensors {
  size: number;
  maxLen: number;
  /** `[B, T]` int32 word ids. */
  words: tf.Tensor2D;
  /** `[B, T, W]` int32 char ids, or null when the model has no character encoder. */
  chars: tf.Tensor3D | null;
  /** `[B]` real lengths, on the host (the LSTM builds its gather indices from them). */
  lengths: Int32Array;
  /** `[B, T]` float, 1 at real tokens. */
  mask: tf.Tensor2D;
  /** Per task: `[B, T]` int32 gold tag ids, or null when no sentence of the batch has them. */
  tags: (tf.Tensor2D | null)[];
  /** Per task: `[B, T]` float, 1 at real tokens of sentences labelled for that task. */
  taskMask: (tf.Tensor2D | null)[];
  /** Real tokens in the batch. */
  tokens: number;
  /** `[B, T, D]` frozen word features (BERT), or null / absent when the batch carries none. */
  features?: tf.Tensor3D | null;
}

export function toBatchTensors(batch: Batch, withChars: boolean): BatchTensors {
  const { size, maxLen, maxWordLen } = batch;
  const maskValues = new Float32Array(size * maxLen);
  let tokens = 0;
  for (let r = 0; r < size; r++) {
    const length = batch.lengths[r] ?? 0;
    maskValues.fill(1, r * maxLen, r * maxLen + length);
    tokens += length;
  }
  const taskMask = batch.tags.map((tags, k) => {
    if (!tags) return null;
    const labelled = batch.tagMask[k]!;
    const values = new Float32Array(size * maxLen);
    for (let r = 0; r < size; r++) {
      if (labelled[r]) values.set(maskValues.subarray(r * maxLen, (r + 1) * maxLen), r * maxLen);
    }
    return tf.tensor2d(values, [size, maxLen]);
  });
  return {
    size,
    maxLen,
    words: tf.tensor2d(batch.wordIds, [size, maxLen], 'int32'),
    chars: withChars ? tf.tensor3d(batch.charIds, [size, maxLen, maxWordLen], 'int32') : null,
    lengths: batch.lengths,
    mask: tf.tensor2d(maskValues, [size, maxLen]),
    tags: batch.tags.map((tags) => (tags ? tf.tensor2d(tags, [size, maxLen], 'int32') : null)),
    taskMask,
    tokens,
    features: batch.features && batch.featureDim ? tf.tensor3d(batch.features, [size, maxLen, batch.featureDim]) : null,
  };
}

export function disposeBatchTensors(batch: BatchTensors): void {
  const all: (tf.Tensor | null)[] = [batch.words, batch.chars, batch.mask, ...batch.tags, ...batch.taskMask, batch.features ?? null];
  for (const t of all) t?.dispose();
}
