import * as tf from '@tensorflow/tfjs';
import { installKernelScope } from './kernelScope.ts';

export interface KernelCount {
  /** Backend kernels run (every registered kernel the engine ran, nested ones included). */
  readonly total: number;
  /** Kernels per name, most frequent first. */
  readonly byName: ReadonlyArray<readonly [string, number]>;
}

/**
 * Counts the registered kernels of the active backend that `fn` runs (`kernelScope.ts`). Tensors
 * `fn` returns are disposed. GPU dispatches are not kernels: `src/train/gpuWorkCounter.ts` counts
 * those on the device itself.
 */
export async function countKernels(fn: () => tf.TensorContainer | void): Promise<KernelCount> {
  const scope = installKernelScope();
  try {
    const result = fn();
    if (result) tf.dispose(result);
    return { total: scope.total(), byName: scope.counts() };
  } finally {
    scope.uninstall();
  }
}
