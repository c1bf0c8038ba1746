import * as tf from '@tensorflow/tfjs';

export interface KernelCount {
  /** Backend kernels dispatched (what a GPU pays per call). */
  readonly total: number;
  /** The same, per kernel name, most frequent first. */
  readonly byName: ReadonlyArray<readonly [string, number]>;
}

/**
 * Counts the backend kernels `fn` dispatches, using `tf.profile`. Entries that are not registered
 * kernels of the active backend (the bookkeeping records of `tf.customGrad`) are left out. Tensors
 * `fn` returns are disposed. Profiling times every kernel, so use it for counts, not for timings.
 */
export async function countKernels(fn: () => tf.TensorContainer | void): Promise<KernelCount> {
  const backend = tf.getBackend();
  const info = await tf.profile(() => fn() ?? []);
  tf.dispose(info.result);
  const counts = new Map<string, number>();
  for (const k of info.kernels) {
    if (tf.getKernel(k.name, backend) === undefined) continue;
    counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  }
  const byName = [...counts].sort((a, b) => b[1] - a[1]);
  return { total: byName.reduce((sum, [, c]) => sum + c, 0), byName };
}
