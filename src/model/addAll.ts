import * as tf from '@tensorflow/tfjs';

/**
 * Inputs one `AddN` kernel takes here. tfjs-backend-webgpu binds every input of `AddN` as a storage
 * buffer of one shader, and WebGPU guarantees only 8 per stage (one is the output): with more, the
 * pipeline is invalid and the sum comes back as whatever the output buffer held, silently (seen with
 * the 61 squared gradient norms of global-norm clipping). Other backends take any count.
 */
export const ADD_N_INPUTS = 7;

/**
 * The element-wise sum of `tensors` (same shape), as `tf.addN` but in groups of at most
 * `ADD_N_INPUTS`, so it is correct on WebGPU for any count. One tensor is returned as a clone.
 */
export function addAll<T extends tf.Tensor>(tensors: readonly T[]): T {
  if (tensors.length === 0) throw new Error('addAll: nothing to add');
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...tensors];
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += ADD_N_INPUTS) {
        const group = level.slice(i, i + ADD_N_INPUTS);
        next.push(group.length === 1 ? group[0]! : tf.addN(group));
      }
      level = next;
    }
    return (level[0] === tensors[0] ? tf.clone(level[0]!) : level[0]!) as T;
  });
}
